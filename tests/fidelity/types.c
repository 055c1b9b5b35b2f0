/* The C type of each argument drives its width and sign (upper register bits garbage). */
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

//@ width | -e trace=umask,close,dup2,lseek,kill,setuid,setgid,fchmod,fchown,alarm | -x -e trace=umask,close,lseek
//@ sign | -e trace=lseek,pread64,setpriority,getpriority,setuid,setresuid,ftruncate
//@ nsec | -e trace=clock_nanosleep,nanosleep,clock_settime,utimensat,utimes

#define HI 0xdead000000000000UL

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "width")) {
        syscall(SYS_umask, HI | 022);
        syscall(SYS_umask, 0xffffffff00000000UL);
        syscall(SYS_close, HI | 12345);
        syscall(SYS_dup2, HI | 1000, HI | 1001);
        syscall(SYS_lseek, HI | 1000, 0, HI | 1);
        syscall(SYS_kill, HI | 0x7fffffff, HI);
        syscall(SYS_alarm, HI);
        syscall(SYS_setuid, HI | 0);
        syscall(SYS_setgid, HI | 0xffffffffUL);
        syscall(SYS_fchmod, HI | 1000, HI | 0644);
        syscall(SYS_fchown, HI | 1000, HI | 0xffffffffUL, HI | 7);
    } else if (!strcmp(c, "sign")) {
        int fd = open("/etc/passwd", O_RDONLY);
        char b[4];
        syscall(SYS_lseek, fd, -5L, SEEK_SET);
        syscall(SYS_pread64, fd, b, 4, -1L);
        syscall(SYS_setpriority, 0, 0, -3);
        syscall(SYS_getpriority, 0, 0);
        syscall(SYS_setresuid, -1, -1, -1);
        syscall(SYS_ftruncate, 1000, -7L);
    } else if (!strcmp(c, "nsec")) {
        struct timespec bad = {0, -5};
        struct timespec big = {1, 3000000000L};
        struct timespec neg = {-1, 0};
        syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL);
        syscall(SYS_nanosleep, &big, NULL);
        syscall(SYS_nanosleep, &neg, NULL);
        struct timespec ts[2] = {{0, UTIME_OMIT}, {5, 1UL << 40}};
        syscall(SYS_utimensat, AT_FDCWD, "/nonexistent", ts, 0);
        struct timespec when[2] = {{1000000000, 0}, {1000000000, 5}};
        syscall(SYS_utimensat, AT_FDCWD, "/nonexistent", when, 0);
        struct timeval tv[2] = {{1000000000, 0}, {1000000000, 7}};
        syscall(SYS_utimes, "/nonexistent", tv);
    }
    return 0;
}
