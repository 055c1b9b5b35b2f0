/* In/out arguments: what the call returned, not what was passed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

//@ getlk | -e trace=fcntl
//@ wait | -e trace=wait4,waitid
//@ running | -e trace=wait4 -e signal=none
//@ socklen | -e trace=getsockname,getsockopt,socketpair,recvfrom
//@ poll | -e trace=poll,ppoll
//@ pipe | -e trace=pipe2,pipe

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "getlk")) {
        int fd = open("lockfile", O_RDWR | O_CREAT, 0600);
        struct flock fl = {F_WRLCK, SEEK_SET, 0, 10, 0};
        fcntl(fd, F_GETLK, &fl);
        fl.l_start = 3;
        fcntl(fd, F_OFD_GETLK, &fl);
    } else if (!strcmp(c, "wait")) {
        int st;
        struct rusage ru;
        wait4(-1, &st, WNOHANG, &ru);
        siginfo_t si;
        waitid(P_ALL, 0, &si, WEXITED | WNOHANG);
    } else if (!strcmp(c, "running")) {
        pid_t child = fork();
        if (child == 0) {
            pause();
            _exit(0);
        }
        int st;
        struct rusage ru;
        wait4(-1, &st, WNOHANG, &ru);  /* = 0: nothing reaped, nothing written */
        kill(child, SIGKILL);
        siginfo_t si;
        waitid(P_PID, child, &si, WEXITED);
    } else if (!strcmp(c, "socklen")) {
        int sv[2];
        socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        struct sockaddr_un a;
        socklen_t len = sizeof a;
        getsockname(sv[0], (struct sockaddr *)&a, &len);
        int v;
        len = 2;
        getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len);
        len = sizeof v;
        getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &len);
        write(sv[1], "data", 4);
        char buf[8];
        len = sizeof a;
        recvfrom(sv[0], buf, sizeof buf, 0, (struct sockaddr *)&a, &len);
    } else if (!strcmp(c, "poll")) {
        int p[2];
        pipe(p);
        write(p[1], "x", 1);
        struct pollfd f[3] = {{p[0], POLLIN, 0}, {p[1], POLLOUT | POLLIN, 0}, {-1, POLLIN, 0}};
        poll(f, 3, 0);
        struct timespec ts = {0, 1000};
        f[0].fd = p[1];
        f[0].events = POLLIN;
        ppoll(f, 1, &ts, NULL);
    } else if (!strcmp(c, "pipe")) {
        int p[2];
        pipe2(p, O_CLOEXEC);
        pipe2((int *)0x10, 0);
    }
    return 0;
}
