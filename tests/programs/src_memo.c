/* The unwinder's memo under stress: two call sites at the same stack depth in one
 * function (same ip in libc, same sp: only the return address differs), the same
 * site reached through different callers, and varying depths.  Sites carry
 * "@site NAME ARG0" (see src_sites.c). */
#include <alloca.h>
#include <unistd.h>

#define FD(n) (1000 + (n))

static volatile int sink;

__attribute__((noinline)) void via_a(void) {
    fsync(FD(42)); /* @site fsync 1042 */
    sink++;
}

__attribute__((noinline)) void via_b(void) {
    fsync(FD(43)); /* @site fsync 1043 */
    sink++;
}

__attribute__((noinline)) void deep(int n) {
    char *p = alloca(16 + (n % 7) * 64);
    p[0] = 1;
    if (n > 0) {
        deep(n - 1);
        sink += p[0];
        return;
    }
    fdatasync(FD(44)); /* @site fdatasync 1044 */
    sink += p[0];
}

int main(void) {
    for (int i = 0; i < 300; i++) {
        if (i & 1)
            close(FD(40)); /* @site close 1040 */
        else
            close(FD(41)); /* @site close 1041 */
        if (i % 3)
            via_a();
        else
            via_b();
        deep(i % 11);
    }
    return 0;
}
