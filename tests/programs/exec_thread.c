/* A non-leader thread calls execve: the kernel gives it the leader's tid. */
#include <pthread.h>
#include <unistd.h>

static void *run(void *arg) {
    char *const argv[] = {"/bin/echo", "from-thread", NULL};
    char *const envp[] = {NULL};
    (void)arg;
    execve(argv[0], argv, envp);
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, run, NULL);
    pthread_join(t, NULL); /* never returns: the exec replaces the process */
    return 99;
}
