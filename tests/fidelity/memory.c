/* Unreadable memory: strace prints the address where a string or struct cannot be read. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sys/uio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

//@ edge | -e trace=utimes,open,openat,chdir,access | -s 4 -e trace=utimes,chdir
//@ arrays | -e trace=poll,writev,setgroups | -a 30 -e trace=poll,writev,setgroups
//@ fault | -e trace=write,read,fstat,uname,nanosleep,clock_nanosleep,rt_sigaction,pipe2

static char *edge(void) {
    /* two pages at a fixed address, the second one unmapped: a string at the end of the
       first runs into it */
    char *p = mmap((void *)0x300000000, 8192, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    munmap(p + 4096, 4096);
    memset(p, 'a', 4096);
    return p + 4096;
}

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "edge")) {
        char *end = edge();
        utimes(end - 14, NULL);
        chdir(end - 3);
        access(end - 40, F_OK);
        open(end - 2, O_RDONLY);
        utimes((char *)0x10, NULL);
    } else if (!strcmp(c, "arrays")) {
        /* arrays whose second element lies on the unmapped page */
        char *end = edge();
        struct pollfd *f = (struct pollfd *)(end - 8);
        f->fd = 0;
        f->events = POLLIN;
        poll(f, 2, 0);
        struct iovec *io = (struct iovec *)(end - 16);
        io->iov_base = "abc";
        io->iov_len = 3;
        writev(1, io, 2);
        gid_t *g = (gid_t *)(end - 4);
        *g = 0;
        setgroups(2, g);
    } else if (!strcmp(c, "fault")) {
        char *bad = (char *)0x10;
        write(1, bad, 10);
        read(0, bad, 10);
        fstat(0, (struct stat *)bad);
        syscall(63, bad);  /* uname */
        nanosleep((struct timespec *)bad, NULL);
        pipe2((int *)bad, 0);
        char *end = edge();
        write(1, end - 4, 8);
    }
    return 0;
}
