/* Source correlation across execve: with an argument, close a bad descriptor and exec
 * that path (a build of this file with other flags); without, close another one.
 * Every syscall site carries "@site NAME ARG0" (see src_sites.c). */
#include <unistd.h>

#define FD(n) (1000 + (n))

int main(int argc, char **argv) {
    if (argc > 1) {
        close(FD(20)); /* @site close 1020 */
        char *args[] = {argv[1], NULL};
        execv(argv[1], args);
        return 1;
    }
    close(FD(21)); /* @site close 1021 */
    return 0;
}
