/* Signals: a handled SIGUSR1 sent to itself, an ignored SIGUSR2, then death by SIGTERM. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig) { got = sig; }

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGUSR2, SIG_IGN);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR2);
    if (got == SIGUSR1)
        write(1, "handled\n", 8);
    kill(getpid(), SIGTERM);
    return 0;
}
