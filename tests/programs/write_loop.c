/* Makes N write(2) calls of one byte to /dev/null: the cheapest syscall loop. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000;
    int fd = open("/dev/null", O_WRONLY);
    for (long i = 0; i < n; i++)
        write(fd, "x", 1);
    close(fd);
    return 0;
}
