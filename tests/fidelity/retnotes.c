/* Return notes: time()'s date, select's ready sets, fcntl's flags, ... */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

//@ select | -e trace=select,pselect6
//@ fcntl | -e trace=fcntl,umask,personality
//@ time | -e trace=time

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "select")) {
        int p[2];
        pipe(p);
        write(p[1], "x", 1);
        fd_set r, w;
        FD_ZERO(&r);
        FD_ZERO(&w);
        FD_SET(p[0], &r);
        FD_SET(p[1], &w);
        struct timeval tv = {0, 0};
        select(p[1] + 1, &r, &w, NULL, &tv);
        FD_ZERO(&r);
        tv.tv_usec = 100;
        select(p[1] + 1, &r, NULL, NULL, &tv);
        select(0, NULL, NULL, NULL, &tv);
        FD_SET(p[1], &w);
        struct timespec ts = {0, 0};
        pselect(p[1] + 1, NULL, &w, NULL, &ts, NULL);
        FD_SET(p[0], &r);
        select(p[0] + 1, &r, NULL, NULL, NULL);
    } else if (!strcmp(c, "fcntl")) {
        int fd = open("/dev/null", O_RDWR | O_CLOEXEC | O_NONBLOCK);
        fcntl(fd, F_GETFD);
        fcntl(fd, F_GETFL);
        fcntl(1000, F_GETFL);
        fcntl(fd, F_GETOWN);  /* glibc: F_GETOWN_EX */
        struct f_owner_ex owner = {F_OWNER_PGRP, 0};
        fcntl(fd, F_SETOWN_EX, &owner);
        umask(027);
        umask(0);
        personality(0xffffffff);
    } else if (!strcmp(c, "time")) {
        time_t t;
        syscall(SYS_time, NULL);
        syscall(SYS_time, &t);
    }
    return 0;
}
