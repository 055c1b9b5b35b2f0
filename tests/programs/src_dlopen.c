/* Source correlation for code mapped after start-up: dlopen() argv[1] (a build of
 * src_dllib.c) and call its lib_site().  Sites carry "@site NAME ARG0". */
#include <dlfcn.h>
#include <unistd.h>

#define FD(n) (1000 + (n))

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    close(FD(30)); /* @site close 1030 */
    void *h = dlopen(argv[1], RTLD_NOW);
    if (h == NULL)
        return 3;
    int (*site)(int) = (int (*)(int))dlsym(h, "lib_site");
    if (site == NULL)
        return 4;
    int r = site(1);
    close(FD(31)); /* @site close 1031 */
    return r > 0 ? 0 : 5;
}
