/* A child stops itself with SIGSTOP; the parent must see it stopped (WUNTRACED), then
   continue it. Under a tracer that breaks group-stops, the parent never sees the stop. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    pid_t c = fork();
    if (c == 0) {
        raise(SIGSTOP);
        _exit(7);
    }
    int st;
    waitpid(c, &st, WUNTRACED);
    int stopped = WIFSTOPPED(st);
    kill(c, SIGCONT);
    waitpid(c, &st, 0);
    printf("stopped=%d exit=%d\n", stopped, WEXITSTATUS(st));
    return stopped && WEXITSTATUS(st) == 7 ? 0 : 1;
}
