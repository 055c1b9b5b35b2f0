/* For the CLI tests: a SIGCHLD from a child, then death by SIGTERM (exit status 143). */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    int st;
    waitpid(c, &st, 0);
    kill(getpid(), SIGTERM);
    pause();
    return 0;
}
