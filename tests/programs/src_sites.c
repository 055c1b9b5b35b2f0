/* Syscall sites for source-correlation tests: every line that makes a syscall of its
 * own carries a marker "@site NAME ARG0" (the syscall and its first argument, unique
 * per site), so that a test knows which file:line each event must be mapped to.
 * Bad file descriptors (1000 + n) keep the calls harmless and tell the sites apart.
 * Shapes: direct calls, static (inlinable) helpers, nested inline helpers, noinline
 * functions, recursion, calls through a function pointer, a callback from libc
 * (qsort), stdio internals (fdopen), syscall(2), a signal handler, a thread, a forked
 * child, a call in tail position, and the vDSO's syscall fallback (a CPU-time clock). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FD(n) (1000 + (n))

static volatile int sink;

static void direct_static(void) {
    write(FD(1), "x", 1); /* @site write 1001 */
    sink++;
}

__attribute__((noinline)) void noinline_fn(int k) {
    close(FD(2)); /* @site close 1002 */
    if (k)
        fsync(FD(3)); /* @site fsync 1003 */
    sink += k;
}

static inline void inl_inner(void) {
    sink += dup(FD(4)); /* @site dup 1004 */
}

static inline void inl_outer(void) {
    inl_inner();
    sink += (int)lseek(FD(5), 0, SEEK_SET); /* @site lseek 1005 */
}

__attribute__((noinline)) void recurse(int n) {
    if (n == 0) {
        fdatasync(FD(6)); /* @site fdatasync 1006 */
        sink++;
        return;
    }
    recurse(n - 1);
    sink++;
}

static void by_pointer(int k) {
    sink += (int)read(FD(7), (void *)0, (size_t)k); /* @site read 1007 */
}

static void (*volatile fptr)(int) = by_pointer;

static int cmp_ints(const void *a, const void *b) {
    close(FD(8)); /* @site close 1008 */
    return *(const int *)a - *(const int *)b;
}

static void on_usr1(int signo) {
    write(FD(9), "s", 1); /* @site write 1009 */
    sink += signo;
}

static void *thread_body(void *arg) {
    write(FD(10), "t", 1); /* @site write 1010 */
    sink++;
    return arg;
}

/* At -O1 and up, a call in tail position becomes a jump: this frame is gone when
 * close(2) runs, and only the machine code tells where it was. */
__attribute__((noinline)) int tail_close(void) {
    return close(FD(17)); /* @site close 1017 */
}

__attribute__((noinline)) int stat_it(void) {
    struct stat st;
    int r = fstat(FD(11), &st); /* @site newfstatat 1011 */
    return r + sink;
}

int main(void) {
    struct timespec ts;
    int arr[3] = {3, 1, 2};
    pthread_t th;

    direct_static();
    noinline_fn(1);
    inl_outer();
    recurse(3);
    fptr(1);
    qsort(arr, 3, sizeof arr[0], cmp_ints);
    if (fdopen(FD(12), "r") == NULL) /* @site fcntl 1012 */
        sink++;
    syscall(SYS_close, FD(13)); /* @site close 1013 */
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    sink += stat_it();
    sink += tail_close();
    sink += (int)write(FD(14), "m", 1); /* @site write 1014 */
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* @site clock_gettime 2 */
    pid_t pid = fork();
    if (pid == 0) {
        close(FD(15)); /* @site close 1015 */
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    pthread_create(&th, NULL, thread_body, NULL);
    pthread_join(th, NULL);
    sink += (int)write(FD(16), "z", 1); /* @site write 1016 */
    return 0;
}
