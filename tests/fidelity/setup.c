/* The traced program's set-up: the fds and signal dispositions it would have had
   without the tracer; exec failures reported as strace reports them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

//@ hup | nohup {tracer} -o {log} -e trace=none {prog} hup
//@ ignored | sh -c 'trap "" INT QUIT TERM USR1 PIPE; exec {tracer} -o {log} -e trace=none {prog} ignored'
//@ default | -e trace=none
//@ fd9 | {tracer} -o {log} -e trace=write {prog} fd9 9>>/dev/full
//@ noexec | printf 'hello' > x; chmod +x x; {tracer} -o {log} ./x
//@ nointerp | printf '#!/nonexistent/interp\n' > y; chmod +x y; {tracer} -o {log} ./y
//@ noperm | printf 'x' > z; chmod 644 z; {tracer} -o {log} ./z
//@ directory | mkdir d; {tracer} -o {log} ./d
//@ missing | {tracer} -o {log} ./nonexistent
//@ mask | sh -c 'exec {tracer} -o {log} -e trace=none {prog} default'

static void dispositions(void) {
    for (int s = 1; s < 32; s++) {
        struct sigaction sa;
        if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
            printf("%d ignored\n", s);
    }
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    for (int s = 1; s < 65; s++)
        if (sigismember(&m, s))
            printf("%d blocked\n", s);
}

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "hup") || !strcmp(c, "ignored") || !strcmp(c, "default")) {
        dispositions();
    } else if (!strcmp(c, "fd9")) {
        ssize_t n = write(9, "x", 1);
        printf("write(9) = %zd %s\n", n, n < 0 ? strerror(errno) : "");
        for (int fd = 3; fd < 64; fd++)
            if (fcntl(fd, F_GETFD) >= 0)
                printf("fd %d open\n", fd);
    }
    return 0;
}
