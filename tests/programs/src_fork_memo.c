/* The unwinder's memo and fast path across a fork: parent and child (a copy: the same
 * addresses, the same stack depths) each loop over two call sites that reach fsync at
 * one (ip, sp), in opposite orders, so that only the return addresses tell the events
 * apart, in each process and between them.  Sites carry "@site NAME ARG0". */
#include <sys/wait.h>
#include <unistd.h>

#define FD(n) (1000 + (n))

static volatile int sink;

__attribute__((noinline)) void via_a(void) {
    fsync(FD(50)); /* @site fsync 1050 */
    sink++;
}

__attribute__((noinline)) void via_b(void) {
    fsync(FD(51)); /* @site fsync 1051 */
    sink++;
}

static void loop(int parity) {
    for (int i = 0; i < 200; i++) {
        if ((i & 1) == parity)
            via_a();
        else
            via_b();
        if (i % 50 == 0)
            close(FD(52)); /* @site close 1052 */
    }
}

int main(void) {
    pid_t pid = fork();
    loop(pid == 0);
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return 0;
}
