/* Strings: escapes, the "..."... truncation mark, octal before a digit, -x hex. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

//@ escapes | -e trace=write | -x -e trace=write | -xx -e trace=write
//@ truncate | -e trace=write,chdir | -s 5 -e trace=write,chdir | -s 0 -e trace=write
//@ fdpath | -y -e trace=write | -y -x -e trace=write
//@ paths | -e trace=chdir,mkdir,rename | -x -e trace=chdir

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    int fd = open("/dev/null", O_WRONLY);
    if (!strcmp(c, "escapes")) {
        write(fd, "\x01" "2\0" "1\t\n\r\v\f\a\b\x1b" "0\x7f\xff\"\\?", 18);
        write(fd, "<\x3c" "0>" "\x07" "40", 7);
        write(fd, "\0", 1);
        write(fd, "tail\0", 5);
        write(fd, "\0\0\0" "9", 4);
    } else if (!strcmp(c, "truncate")) {
        write(fd, "0123456789012345678901234567890123456789", 40);
        write(fd, "0123456789012345678901234567890\n", 32);
        write(fd, "01234567890123456789012345678901\n", 33);
        write(fd, "short", 5);
        chdir("/a/path/longer/than/the/limit/of/thirtytwo/bytes");
        chdir("/12345");
    } else if (!strcmp(c, "fdpath")) {
        const char *name = "/tmp/fidelity-angle<0>1<x>\x01" "7";
        int f = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        write(f, "x", 1);
        unlink(name);
    } else if (!strcmp(c, "paths")) {
        chdir("/tmp/caf\xc3\xa9/\x01\x7f\t");
        mkdir("/nonexistent/\"quoted\"\\", 0755);
        rename("/nonexistent/a\nb", "/nonexistent/\xff" "1");
    }
    return 0;
}
