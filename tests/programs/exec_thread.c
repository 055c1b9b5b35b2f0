/* A non-leader thread calls execve: the kernel gives it the leader's tid.
   The thread waits (on a pipe) until the leader has finished pthread_create, so that
   the leader is always inside pthread_join (a futex wait) when the exec ends it, and
   every other call of the trace has completed, whoever traces it. */
#include <pthread.h>
#include <unistd.h>

static int ready[2];

static void *run(void *arg) {
    char *const argv[] = {"/bin/echo", "from-thread", NULL};
    char *const envp[] = {NULL};
    char c;
    (void)arg;
    read(ready[0], &c, 1);
    execve(argv[0], argv, envp);
    return NULL;
}

int main(void) {
    pthread_t t;
    pipe(ready);
    pthread_create(&t, NULL, run, NULL);
    write(ready[1], "go", 1);
    pthread_join(t, NULL); /* never returns: the exec replaces the process */
    return 99;
}
