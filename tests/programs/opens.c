/* Known file calls with deterministic results, for decoding checks. */
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *missing = argc > 1 ? argv[1] : "/nonexistent/renacer";
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    char buf[4];
    read(fd, buf, sizeof buf);
    close(fd);
    openat(AT_FDCWD, missing, O_WRONLY | O_CREAT | O_TRUNC, 0640);
    access("/etc/passwd", R_OK);
    write(1, "done\n", 5);
    return 0;
}
