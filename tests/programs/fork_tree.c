/* A parent with 3 children, each with one grandchild; every process exits with a
   code of its own so that the tracer's process table can be checked. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    for (int i = 0; i < 3; i++) {
        pid_t c = fork();
        if (c == 0) {
            pid_t g = fork();
            if (g == 0) {
                getppid();
                _exit(20 + i);
            }
            int st;
            waitpid(g, &st, 0);
            _exit(10 + i);
        }
    }
    int st, sum = 0;
    while (wait(&st) > 0)
        sum += WEXITSTATUS(st);
    printf("%d\n", sum);
    return 3;
}
