/* Never exits on its own: forks a child, and both wait forever. */
#include <unistd.h>

int main(void) {
    fork();
    for (;;)
        pause();
}
