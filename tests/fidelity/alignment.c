/* Column alignment: strace pads " = result" to column 40 (-a N to choose). */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

//@ umask | -e trace=umask | -a20 -e trace=umask | -a 60 -e trace=umask | -a0 -e trace=umask
//@ chdir | -e trace=chdir | -a10 -e trace=chdir | -a45 -e trace=chdir
//@ close | -e trace=close | -a 3 -e trace=close
//@ exit | -e trace=exit_group | -a 50 -e trace=exit_group | -a5 -e trace=exit_group
//@ faccessat | -e trace=faccessat | -a50 -e trace=faccessat

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "umask")) {
        umask(022);
        umask(0777);
    } else if (!strcmp(c, "chdir")) {
        chdir("/");
        chdir("/no/such/directory/at/all/whatsoever");
    } else if (!strcmp(c, "close")) {
        close(-1);
        close(12345);
    } else if (!strcmp(c, "exit")) {
        _exit(3);
    } else if (!strcmp(c, "faccessat")) {
        faccessat(AT_FDCWD, "/", R_OK, 0);
        faccessat(AT_FDCWD, "/nonexistent", W_OK | X_OK, 0);
    }
    return 0;
}
