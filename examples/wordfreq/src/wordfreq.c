/* wordfreq: count the words of files, reading them with a buffer of -b BYTES.
 *
 *   wordfreq [-b BYTES] FILE...
 *
 * Prints "<words> <file>" per file and "<words> total". The buffer size decides how
 * many read(2) calls a file costs: the demo's tests put a budget on them. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long count_words(int fd, char *buf, size_t size) {
    long words = 0;
    int in_word = 0;
    ssize_t n;
    while ((n = read(fd, buf, size)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            int letter = isalnum((unsigned char)buf[i]) || buf[i] == '\'';
            if (letter && !in_word)
                words++;
            in_word = letter;
        }
    }
    return n < 0 ? -1 : words;
}

int main(int argc, char **argv) {
    size_t size = 65536;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-b") == 0) {
        size = strtoul(argv[2], NULL, 10);
        first = 3;
    }
    if (size == 0 || first >= argc) {
        fprintf(stderr, "usage: wordfreq [-b BYTES] FILE...\n");
        return 2;
    }
    char *buf = malloc(size);
    if (buf == NULL)
        return 1;
    long total = 0;
    for (int i = first; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            perror(argv[i]);
            return 1;
        }
        long words = count_words(fd, buf, size);
        close(fd);
        if (words < 0) {
            perror(argv[i]);
            return 1;
        }
        printf("%ld %s\n", words, argv[i]);
        total += words;
    }
    printf("%ld total\n", total);
    free(buf);
    return 0;
}
