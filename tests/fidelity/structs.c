/* Structures and arrays strace decodes (renacer printed some as bare addresses). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

//@ sendfile | -e trace=sendfile | -a20 -e trace=sendfile
//@ splice | -e trace=splice,tee | -x -e trace=splice
//@ copy_file_range | -e trace=copy_file_range
//@ mincore | -e trace=mincore
//@ sigpending | -e trace=rt_sigpending,rt_sigprocmask
//@ groups | -e trace=setgroups,getgroups
//@ affinity | -e trace=sched_getaffinity,sched_setaffinity
//@ schedattr | -e trace=sched_getattr,sched_setattr | -v -e trace=sched_getattr
//@ linger | -e trace=setsockopt,getsockopt
//@ timers | -e trace=timer_create,timer_settime,timer_delete | -e trace=timer_gettime -e status=failed
//@ times | -e trace=times -e status=failed
//@ tz | -e trace=gettimeofday,settimeofday
//@ timex | -e trace=clock_adjtime,adjtimex
//@ iov | -e trace=preadv,pwritev,readv,writev | -s 4 -e trace=pwritev,writev

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    int null = open("/dev/null", O_WRONLY);
    if (!strcmp(c, "sendfile")) {
        int fd = open("/etc/passwd", O_RDONLY);
        off_t off = 0;
        sendfile(null, fd, &off, 35);
        sendfile(null, fd, NULL, 10);
    } else if (!strcmp(c, "splice")) {
        int p[2], q[2];
        pipe(p);
        pipe(q);
        write(p[1], "abcdef", 6);
        tee(p[0], q[1], 3, 0);
        splice(p[0], NULL, null, NULL, 4, SPLICE_F_MOVE);
        int fd = open("/etc/passwd", O_RDONLY);
        loff_t off = 5;
        splice(fd, &off, p[1], NULL, 7, SPLICE_F_NONBLOCK);
    } else if (!strcmp(c, "copy_file_range")) {
        int in = open("/etc/passwd", O_RDONLY);
        int out = open("copy", O_WRONLY | O_CREAT, 0600);
        loff_t a = 3, b = 0;
        copy_file_range(in, &a, out, &b, 20, 0);
        copy_file_range(in, NULL, out, NULL, 5, 0);
    } else if (!strcmp(c, "mincore")) {
        char *p = mmap((void *)0x200000000, 3 * 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        p[0] = 1;
        unsigned char vec[3];
        mincore(p, 3 * 4096, vec);
    } else if (!strcmp(c, "sigpending")) {
        sigset_t s, old;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        sigaddset(&s, SIGRTMIN + 2);
        sigprocmask(SIG_BLOCK, &s, &old);
        raise(SIGUSR1);
        sigpending(&s);
    } else if (!strcmp(c, "groups")) {
        gid_t g[3] = {0, 10, 65534};
        setgroups(3, g);
        gid_t got[8];
        getgroups(8, got);
        getgroups(0, NULL);
    } else if (!strcmp(c, "affinity")) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(0, &set);
        sched_setaffinity(0, sizeof set, &set);
        sched_getaffinity(0, sizeof set, &set);
    } else if (!strcmp(c, "schedattr")) {
        unsigned int attr[14];
        memset(attr, 0, sizeof attr);
        syscall(SYS_sched_getattr, 0, attr, 56, 0);
        syscall(SYS_sched_setattr, 0, attr, 0);
    } else if (!strcmp(c, "linger")) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct linger l = {1, 5};
        setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        socklen_t len = sizeof l;
        getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len);
        int one = 1;
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    } else if (!strcmp(c, "timers")) {
        timer_t t;
        struct sigevent ev;
        memset(&ev, 0, sizeof ev);
        ev.sigev_notify = SIGEV_SIGNAL;
        ev.sigev_signo = SIGUSR2;
        syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &t);
        struct itimerspec its = {{0, 0}, {100, 5}}, old;
        syscall(SYS_timer_settime, t, 0, &its, &old);
        syscall(SYS_timer_settime, t, 0, &its, NULL);
        struct itimerspec now;
        syscall(SYS_timer_gettime, t, &now);
        syscall(SYS_timer_delete, t);
        syscall(SYS_timer_gettime, t, &now);
    } else if (!strcmp(c, "times")) {
        syscall(SYS_times, (void *)0x10);
    } else if (!strcmp(c, "tz")) {
        struct timezone tz;
        gettimeofday(NULL, &tz);
        struct timeval bad = {0, 2000000};
        settimeofday(&bad, NULL);
    } else if (!strcmp(c, "timex")) {
        /* struct timex: written back only when the call succeeds (the clock's own values
           differ run to run, so only failures are compared here) */
        struct timex tx;
        memset(&tx, 0, sizeof tx);
        tx.modes = 0x1234;
        syscall(SYS_clock_adjtime, 0x4321, &tx);
        syscall(SYS_adjtimex, (void *)8);
    } else if (!strcmp(c, "iov")) {
        int fd = open("/etc/passwd", O_RDONLY);
        char a[5], b[7];
        struct iovec v[2] = {{a, sizeof a}, {b, sizeof b}};
        preadv(fd, v, 2, 0);
        readv(fd, v, 2);
        struct iovec w[2] = {{"hello ", 6}, {"world\n", 6}};
        pwritev(null, w, 2, 10);
        writev(null, w, 2);
    }
    return 0;
}
