/* For the CLI and conformance tests: two threads, one after the other (so that the fd
   numbers they get do not depend on scheduling), that open, write and close; then a
   child process that fails an open (ENOENT), asks for its parent and exits with 7. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *worker(void *arg) {
    (void)arg;
    int fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) {
        write(fd, "x", 1);
        close(fd);
    }
    return NULL;
}

int main(void) {
    pthread_t t[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&t[i], NULL, worker, NULL);
        pthread_join(t[i], NULL);
    }
    pid_t c = fork();
    if (c == 0) {
        open("no-such-dir/renacer", O_RDONLY); /* relative: the test owns the cwd */
        getppid();
        _exit(7);
    }
    int st = 0;
    waitpid(c, &st, 0);
    printf("child %d\n", WEXITSTATUS(st));
    return 0;
}
