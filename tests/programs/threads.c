/* N threads (at most 64), each making M getppid() calls (a syscall glibc never caches).
   Used by the tests (small N, M) and by the benchmark suite (8 x 20000). */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static long per_thread = 100;

static void *work(void *arg) {
    (void)arg;
    for (long i = 0; i < per_thread; i++)
        getppid();
    return NULL;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 4;
    if (argc > 2)
        per_thread = atol(argv[2]);
    if (n < 1 || n > 64)
        return 2;
    pthread_t t[64];
    for (int i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, work, NULL) != 0)
            return 1;
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    return 0;
}
