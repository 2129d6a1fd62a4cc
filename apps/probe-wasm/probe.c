// WAGI probe: a WebAssembly (WASI preview 1) module that answers each path with one behaviour, so tests and
// benchmarks can check the WAGI contract and every per-request limit against real compiled code.
// Build: ./build.sh (clang + lld + wasi-libc). Every path is documented in docs/wasm-apps.md.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static const char *env(const char *name) {
    const char *value = getenv(name);
    return value ? value : "";
}

// Returns the value of ?name=... as a number, or fallback when absent.
static long query_number(const char *name, long fallback) {
    const char *query = env("QUERY_STRING");
    size_t length = strlen(name);
    for (const char *p = query; *p;) {
        if (strncmp(p, name, length) == 0 && p[length] == '=') {
            return strtol(p + length + 1, NULL, 10);
        }
        p = strchr(p, '&');
        if (!p) {
            break;
        }
        p++;
    }
    return fallback;
}

static void text_headers(void) { fputs("Content-Type: text/plain; charset=utf-8\n\n", stdout); }

static int hello(void) {
    text_headers();
    fputs("hello from wasm\n", stdout);
    return 0;
}

static int show_environment(int argc, char **argv) {
    text_headers();
    for (char **e = environ; *e; e++) {
        printf("%s\n", *e);
    }
    for (int i = 0; i < argc; i++) {
        printf("ARG%d=%s\n", i, argv[i]);
    }
    return 0;
}

// Copies stdin to stdout unchanged, so binary bodies can be compared byte for byte.
static int echo(void) {
    printf("Content-Type: application/octet-stream\nX-Request-Method: %s\n\n", env("REQUEST_METHOD"));
    static char buffer[65536];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
        fwrite(buffer, 1, n, stdout);
    }
    return 0;
}

static int binary(void) {
    fputs("Content-Type: application/octet-stream\n\n", stdout);
    for (int round = 0; round < 4; round++) {
        for (int b = 0; b < 256; b++) {
            putchar(b);
        }
    }
    return 0;
}

static int headers(void) {
    // CRLF line ends, a repeated header and padded values: all legal CGI output.
    fputs("Content-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Custom:   padded value  \r\n\r\nbody", stdout);
    return 0;
}

// Loops forever; only fuel or the deadline ends it.
static int loop(void) {
    volatile unsigned long counter = 0;
    for (;;) {
        counter++;
    }
}

// Allocates until malloc fails, then aborts (a trap), as most programs do when memory runs out.
// The global keeps the compiler from proving the blocks unused and removing the allocations.
char *volatile probe_last_block;

static int memory_bomb(void) {
    for (;;) {
        char *block = malloc(1 << 20);
        if (!block) {
            abort();
        }
        memset(block, 1, 1 << 20);
        probe_last_block = block;
    }
}

// Writes ?bytes=N bytes of body (forever when absent).
static int big(void) {
    long remaining = query_number("bytes", -1);
    static char block[65536];
    memset(block, 'x', sizeof block);
    text_headers();
    while (remaining != 0) {
        size_t n = remaining < 0 || remaining > (long)sizeof block ? sizeof block : (size_t)remaining;
        fwrite(block, 1, n, stdout);
        if (remaining > 0) {
            remaining -= (long)n;
        }
    }
    return 0;
}

// Data segments and globals: a fresh instance must always start from these values.
static char state[16] = "clean";
static int counter;

static int global_state(void) {
    counter++;
    text_headers();
    printf("state=%s counter=%d\n", state, counter);
    strcpy(state, "dirty");
    return 0;
}

static void try_open(const char *path, int flags) {
    int fd = open(path, flags, 0644);
    if (fd >= 0) {
        printf("%s: OPEN\n", path);
        close(fd);
    } else {
        printf("%s: denied (%s)\n", path, strerror(errno));
    }
}

// Tries to reach the host outside the grain's storage; every line but the /var ones must say "denied".
static int escape(void) {
    text_headers();
    try_open("/etc/passwd", O_RDONLY);
    try_open("/var/../etc/passwd", O_RDONLY);
    try_open("/var/../../../../etc/passwd", O_RDONLY);
    try_open("../etc/passwd", O_RDONLY);
    try_open("etc/passwd", O_RDONLY);
    try_open("/proc/self/environ", O_RDONLY);
    try_open("/tmp/probe-escape", O_WRONLY | O_CREAT);
    symlink("/etc/passwd", "/var/link-out");
    try_open("/var/link-out", O_RDONLY);
    symlink("../../../../../../etc/passwd", "/var/link-up");
    try_open("/var/link-up", O_RDONLY);
    DIR *root = opendir("/");
    printf("opendir /: %s\n", root ? "OPEN" : "denied");
    if (root) {
        closedir(root);
    }
    try_open("/var/inside.txt", O_WRONLY | O_CREAT);
    return 0;
}

// Writes ?text=... to /var/probe.txt (PUT) or reads it back (GET): storage persists across requests.
static int storage(void) {
    if (strcmp(env("REQUEST_METHOD"), "PUT") == 0) {
        FILE *file = fopen("/var/probe.txt", "w");
        if (!file) {
            printf("Status: 500\nContent-Type: text/plain\n\ncannot write: %s\n", strerror(errno));
            return 0;
        }
        static char buffer[4096];
        size_t n;
        while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
            fwrite(buffer, 1, n, file);
        }
        fclose(file);
        fputs("Status: 204 No Content\nContent-Type: text/plain\n\n", stdout);
        return 0;
    }
    FILE *file = fopen("/var/probe.txt", "r");
    if (!file) {
        fputs("Status: 404 Not Found\nContent-Type: text/plain\n\nnothing stored\n", stdout);
        return 0;
    }
    text_headers();
    static char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, file)) > 0) {
        fwrite(buffer, 1, n, stdout);
    }
    fclose(file);
    return 0;
}

int main(int argc, char **argv) {
    const char *path = env("PATH_INFO");
    if (!strcmp(path, "/") || !strcmp(path, "/hello")) return hello();
    if (!strcmp(path, "/env") || !strncmp(path, "/env/", 5)) return show_environment(argc, argv);
    if (!strcmp(path, "/echo")) return echo();
    if (!strcmp(path, "/binary")) return binary();
    if (!strcmp(path, "/headers")) return headers();
    if (!strcmp(path, "/status")) {
        printf("Status: %ld Custom\nContent-Type: text/plain\n\nstatus body\n", query_number("code", 418));
        return 0;
    }
    if (!strcmp(path, "/redirect")) {
        fputs("Location: /target\n\n", stdout);
        return 0;
    }
    if (!strcmp(path, "/redirect-permanent")) {
        fputs("Status: 301 Moved Permanently\nLocation: https://example.org/\n\n", stdout);
        return 0;
    }
    if (!strcmp(path, "/no-content-type")) {
        fputs("X-Only: header\n\nbody\n", stdout);
        return 0;
    }
    if (!strcmp(path, "/bad-status")) {
        fputs("Status: abc\nContent-Type: text/plain\n\n", stdout);
        return 0;
    }
    if (!strcmp(path, "/no-output")) return 0;
    if (!strcmp(path, "/loop")) return loop();
    if (!strcmp(path, "/memory")) return memory_bomb();
    if (!strcmp(path, "/big")) return big();
    if (!strcmp(path, "/global")) return global_state();
    if (!strcmp(path, "/escape")) return escape();
    if (!strcmp(path, "/storage")) return storage();
    if (!strcmp(path, "/stderr")) {
        fputs("something went sideways\n", stderr);
        return hello();
    }
    if (!strcmp(path, "/exit")) {
        text_headers();
        fflush(stdout);
        exit((int)query_number("code", 7));
    }
    if (!strcmp(path, "/trap")) __builtin_trap();
    fputs("Status: 404 Not Found\nContent-Type: text/plain\n\nno such probe\n", stdout);
    return 0;
}
