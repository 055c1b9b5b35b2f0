/* Hostile to the symbolizer: deletes its own executable and puts a FIFO at the path
 * /proc/PID/maps then shows ("<exe> (deleted)"), then forks so that the tracer takes a
 * new module map (and opens that path) while the FIFO is there. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 32);
    if (n <= 0) return 2;
    exe[n] = 0;
    if (unlink(exe) != 0) return 3;
    strcat(exe, " (deleted)");
    if (mkfifo(exe, 0600) != 0) return 4;
    pid_t pid = fork();
    if (pid == 0) {
        write(1, "child\n", 6);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    write(1, "parent\n", 7);
    return 0;
}
