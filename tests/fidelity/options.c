/* strace's output options: -v, -P, --no-abbrev, -X, -x, -xx, -e read=, -e write=, -yy. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

//@ uname | -e trace=uname | -v -e trace=uname | --no-abbrev -e trace=uname | -e verbose=none -e trace=uname
//@ deref | -e verbose=none -e trace=openat,read,fstat,newfstatat,pipe2,poll,rt_sigprocmask,getrlimit,prlimit64 | -e trace=pipe2,poll,rt_sigprocmask
//@ stat | -v -e trace=newfstatat,fstat,stat | -e trace=newfstatat,fstat,stat
//@ sigaction | -e trace=rt_sigaction | -v -e trace=rt_sigaction
//@ path | -e trace=%file | -e trace=/^(open|read) | -Z | -z -e trace=openat,read,close | -e trace=%memory -e trace=%desc | -qq -e trace=%memory | -e status=successful,failed -e trace=%file
//@ path | -P /etc/hostname | --trace-path=/etc/hostname | -P /nonexistent
//@ openx | -X raw -e trace=openat | -X verbose -e trace=openat | -X abbrev -e trace=openat
//@ bytes | -e trace=write | -x -e trace=write | -xx -e trace=write | -x -s 8 -e trace=write
//@ dump | -e read=3 -e trace=read | -e write=4 -e trace=write | -e read=all -e write=all -e trace=read,write
//@ verb | -v -e trace=ioctl | -e verbose=%desc -e trace=uname,ioctl,poll | -e verbose=!uname -e trace=uname,ioctl,poll,prlimit64 | -e verbose=uname,prlimit64 -e trace=uname,ioctl,prlimit64
//@ verb | -e abbrev=uname -e trace=uname,ioctl | -e abbrev=!uname -e trace=uname,ioctl | -e verbose=none -v -e trace=uname,ioctl | -e verbose=all -e trace=uname,ioctl | -e abbrev=none -e abbrev=all -e trace=uname,ioctl
//@ xconst | -X raw -e trace=fcntl,newfstatat,rt_sigaction,prctl,ioctl -e signal=none | -X verbose -e trace=fcntl,newfstatat,rt_sigaction,prctl,ioctl -e signal=none
//@ unix | -yy -e trace=socketpair,write,read,bind,listen,connect,accept,socket,close | -y -e trace=socketpair,accept,close | --decode-fds=socket -e trace=accept,close,openat,pipe2 | --decode-fds=dev -e trace=accept,openat,close | --decode-fds=!path -e trace=accept,openat,close | --decode-fds=none -e trace=accept,close | --decode-fds -e trace=accept,close | --decode-fds=path,socket -e trace=accept,close
//@ udp | -e trace=bind,sendto | -X raw -e trace=bind,sendto | -X verbose -e trace=bind,sendto | -yy -e trace=sendto | -yy -e trace=getsockname

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "uname")) {
        struct utsname u;
        uname(&u);
    } else if (!strcmp(c, "deref")) {
        int p[2];
        pipe2(p, O_CLOEXEC);
        struct pollfd f = {p[0], POLLIN, 0};
        poll(&f, 1, 0);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        sigprocmask(SIG_BLOCK, &s, NULL);
        char buf[8];
        int fd = open("/etc/hostname", O_RDONLY);
        read(fd, buf, sizeof buf);
    } else if (!strcmp(c, "stat")) {
        struct stat st;
        stat("/etc/passwd", &st);
        stat("/", &st);
        fstat(open("/etc/hostname", O_RDONLY), &st);
    } else if (!strcmp(c, "sigaction")) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_IGN;
        sa.sa_flags = SA_RESTART;
        sigaddset(&sa.sa_mask, SIGUSR2);
        sigaction(SIGUSR1, &sa, &old);
        sigaction(SIGUSR1, NULL, &old);
    } else if (!strcmp(c, "path")) {
        char buf[64];
        int fd = open("/etc/hostname", O_RDONLY);
        read(fd, buf, 0);
        close(fd);
        fd = open("/etc/passwd", O_RDONLY);
        close(fd);
    } else if (!strcmp(c, "openx")) {
        int fd = open("/dev/null", O_WRONLY | O_APPEND | O_CLOEXEC);
        close(fd);
        open("/nonexistent", O_RDONLY);
    } else if (!strcmp(c, "bytes")) {
        int fd = open("/dev/null", O_WRONLY);
        write(fd, "plain text\n", 11);
        write(fd, "caf\xc3\xa9 \x01\x02\xff\x7f tab\t", 15);
    } else if (!strcmp(c, "dump")) {
        char buf[40];
        int fd = open("/etc/hostname", O_RDONLY);
        int out = open("/dev/null", O_WRONLY);
        read(fd, buf, 0);
        write(out, "0123456789abcdef\x00\x01\x02 the end\n", 28);
        read(-1, buf, 4);
    } else if (!strcmp(c, "verb")) {
        /* -v / -e verbose= / -e abbrev=: which syscalls' structures are read, in full */
        struct utsname u;
        uname(&u);
        int m = posix_openpt(O_RDWR | O_NOCTTY);
        struct termios t;
        tcgetattr(m, &t);
        t.c_cc[VMIN] = 0;
        tcsetattr(m, TCSANOW, &t);
        struct pollfd f = {m, POLLOUT, 0};
        poll(&f, 1, 0);
        struct rlimit rl;
        getrlimit(RLIMIT_NOFILE, &rl);
    } else if (!strcmp(c, "xconst")) {
        /* -X raw|verbose: constants inside structures and whole-call printers too */
        int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
        fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fcntl(fd, F_GETFD);
        struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
        fcntl(fd, F_GETLK, &fl);
        struct stat st;
        fstat(fd, &st);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_IGN;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGUSR1, &sa, NULL);
        prctl(PR_GET_DUMPABLE);
        prctl(PR_SET_NAME, "xx");
        prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0);
        int m = posix_openpt(O_RDWR | O_NOCTTY);
        struct termios t;
        tcgetattr(m, &t);
        int n;
        ioctl(m, FIONREAD, &n);
        if (fork() == 0)
            _exit(0);
        wait(NULL);
    } else if (!strcmp(c, "unix")) {
        /* -yy / --decode-fds=SET: UNIX sockets (their peers and paths), devices */
        int sv[2];
        socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        write(sv[0], "x", 1);
        read(sv[1], (char[2]){0}, 1);
        int l = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        strcpy(a.sun_path, "sock");
        bind(l, (void *)&a, sizeof a);
        listen(l, 1);
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        connect(c, (void *)&a, sizeof a);
        int s = accept(l, NULL, NULL);
        write(c, "y", 1);
        read(s, (char[2]){0}, 1);
        close(socket(AF_UNIX, SOCK_DGRAM, 0));
        close(open("/dev/null", O_RDONLY));
        int p[2];
        pipe(p);
        close(p[0]);
    } else if (!strcmp(c, "udp")) {
        int s = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons(47913);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(s, (struct sockaddr *)&a, sizeof a);
        sendto(s, "ping", 4, 0, (struct sockaddr *)&a, sizeof a);
        socklen_t len = sizeof a;
        getsockname(s, (struct sockaddr *)&a, &len);
    }
    return 0;
}
