/* Runs until killed: a getppid() every millisecond, from the main thread and one other. */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

static void *tick(void *arg) {
    struct timespec ts = {0, 1000000};
    (void)arg;
    for (;;) {
        getppid();
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, tick, NULL);
    tick(NULL);
    return 0;
}
