/* A shared library for src_dlopen.c: one syscall site, "@site NAME ARG0". */
#include <unistd.h>

int lib_site(int k) {
    int r = fsync(1000 + 32); /* @site fsync 1032 */
    return r + k + 1;
}
