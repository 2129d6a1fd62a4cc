/*
 * A hostile sandbox app for Outpost's sandbox tests.
 *
 * A tiny single-threaded HTTP server on 127.0.0.1:PORT. Each request path performs one attack (or
 * one probe) and answers, as plain text, "ok[ detail]" when the operation succeeded or "errno N"
 * when it failed, "signal N" / "exit N" for a child's fate. The tests assert that every attack fails.
 * Built with `gcc -static` so it needs nothing from the package root.
 *
 *   hostile PORT                 serve
 *   hostile PORT --no-listen     never listen (start timeout test)
 *   hostile PORT --exit N        exit with code N at once (exit-before-ready test)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char reply[65536];

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(reply, sizeof reply, fmt, args);
    va_end(args);
}

/* Result of a call returning -1/errno on failure. */
static void result(long rc) {
    if (rc < 0) say("errno %d", errno); else say("ok %ld", rc);
}

/* Runs fn in a child and reports how the child ended. */
static void in_child(void (*fn)(void)) {
    pid_t pid = fork();
    if (pid < 0) { say("errno %d", errno); return; }
    if (pid == 0) { fn(); _exit(0); }
    int status;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) say("signal %d", WTERMSIG(status)); else say("exit %d", WEXITSTATUS(status));
}

static void int80_getpid(void) {
    long rc;
    __asm__ volatile("int $0x80" : "=a"(rc) : "a"(20) : "memory"); /* i386 getpid */
    _exit(rc > 0 ? 0 : 1);
}

static void x32_getpid(void) {
    long rc = syscall(0x40000000 | SYS_getpid);
    _exit(rc > 0 ? 0 : 1);
}

static long alloc_mb;
static void touch_memory(void) {
    size_t size = (size_t)alloc_mb << 20;
    char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) _exit(2);
    for (size_t i = 0; i < size; i += 4096) p[i] = 1;
    _exit(0);
}

static void read_file(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { say("errno %d", errno); return; }
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    int err = errno;
    close(fd);
    if (n < 0) { say("errno %d", err); return; }
    buf[n] = 0;
    say("ok %s", buf);
}

static void write_file(const char *path, const char *data) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) { say("errno %d", errno); return; }
    ssize_t n = write(fd, data, strlen(data));
    int err = errno;
    close(fd);
    result(n < 0 ? (errno = err, -1) : n);
}

static void connect_tcp(const char *ip, int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, ip, &a.sin_addr);
    long rc = connect(s, (struct sockaddr *)&a, sizeof a);
    result(rc);
    close(s);
}

static void connect_abstract(const char *name) {
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    size_t len = strlen(name);
    memcpy(a.sun_path + 1, name, len);
    long rc = connect(s, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + 1 + len);
    result(rc);
    close(s);
}

static void fork_bomb(void) {
    static pid_t children[100000];
    int count = 0, err = 0;
    for (;;) {
        pid_t pid = fork();
        if (pid == 0) { pause(); _exit(0); }
        if (pid < 0) { err = errno; break; }
        children[count++] = pid;
        if (count == 100000) break;
    }
    for (int i = 0; i < count; i++) kill(children[i], SIGKILL);
    for (int i = 0; i < count; i++) waitpid(children[i], NULL, 0);
    say("forked %d errno %d", count, err);
}

static void attack(const char *path) {
    long rc;
    if (!strcmp(path, "/ok")) say("ok");
    else if (!strncmp(path, "/read/", 6)) read_file(path + 5);
    else if (!strncmp(path, "/write/", 7)) write_file(path + 6, "written by the sandbox");
    else if (!strncmp(path, "/connect/", 9)) {
        char ip[64]; int port;
        if (sscanf(path + 9, "%63[^/]/%d", ip, &port) == 2) connect_tcp(ip, port); else say("bad request");
    }
    else if (!strncmp(path, "/connect-abstract/", 18)) connect_abstract(path + 18);
    else if (!strcmp(path, "/ptrace-traceme")) result(ptrace(PTRACE_TRACEME, 0, 0, 0));
    else if (!strcmp(path, "/ptrace-attach-1")) result(ptrace(PTRACE_ATTACH, 1, 0, 0));
    else if (!strcmp(path, "/mount")) result(mount("none", "/tmp", "tmpfs", 0, NULL));
    else if (!strcmp(path, "/unshare-user")) result(unshare(CLONE_NEWUSER));
    else if (!strcmp(path, "/unshare-net")) result(unshare(CLONE_NEWNET));
    else if (!strcmp(path, "/clone-newns")) {
        rc = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
        if (rc == 0) _exit(0);
        if (rc > 0) waitpid(rc, NULL, 0);
        result(rc);
    }
    else if (!strcmp(path, "/clone3")) {
        uint64_t args[11] = { 0 };
        args[4] = SIGCHLD; /* exit_signal */
        rc = syscall(435 /* clone3 */, args, sizeof args);
        if (rc == 0) _exit(0);
        if (rc > 0) waitpid(rc, NULL, 0);
        result(rc);
    }
    else if (!strcmp(path, "/fork")) {
        rc = fork();
        if (rc == 0) _exit(0);
        if (rc > 0) waitpid(rc, NULL, 0);
        result(rc);
    }
    else if (!strcmp(path, "/setns")) {
        int fd = open("/proc/self/ns/net", O_RDONLY);
        result(fd < 0 ? fd : setns(fd, 0));
        if (fd >= 0) close(fd);
    }
    else if (!strcmp(path, "/keyctl")) result(syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3 /* SESSION */, 1));
    else if (!strcmp(path, "/add-key")) result(syscall(SYS_add_key, "user", "outpost", "secret", 6, -3));
    else if (!strcmp(path, "/bpf")) {
        char attr[128] = { 0 };
        ((uint32_t *)attr)[0] = 2; /* BPF_MAP_TYPE_ARRAY */
        ((uint32_t *)attr)[1] = 4; ((uint32_t *)attr)[2] = 4; ((uint32_t *)attr)[3] = 1;
        result(syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof attr));
    }
    else if (!strcmp(path, "/io-uring")) {
        char params[120] = { 0 };
        result(syscall(425 /* io_uring_setup */, 4, params));
    }
    else if (!strcmp(path, "/perf-event-open")) {
        struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof attr, .config = PERF_COUNT_SW_CPU_CLOCK };
        result(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
    }
    else if (!strcmp(path, "/userfaultfd")) result(syscall(SYS_userfaultfd, 0));
    else if (!strncmp(path, "/socket/", 8)) result(socket(atoi(path + 8), SOCK_DGRAM, 0));
    else if (!strcmp(path, "/netlink-route")) result(socket(AF_NETLINK, SOCK_RAW, 0));
    else if (!strcmp(path, "/netlink-audit")) result(socket(AF_NETLINK, SOCK_RAW, 9));
    else if (!strcmp(path, "/i386")) in_child(int80_getpid);
    else if (!strcmp(path, "/x32")) in_child(x32_getpid);
    else if (!strcmp(path, "/forkbomb")) fork_bomb();
    else if (!strncmp(path, "/alloc/", 7)) { alloc_mb = atol(path + 7); in_child(touch_memory); }
    else if (!strncmp(path, "/alloc-self/", 12)) { alloc_mb = atol(path + 12); touch_memory(); }
    else if (!strcmp(path, "/status")) read_file("/proc/self/status");
    else if (!strcmp(path, "/hostname")) { char h[256] = { 0 }; gethostname(h, sizeof h - 1); say("ok %s", h); }
    else if (!strncmp(path, "/spam/", 6)) {
        long kib = atol(path + 6);
        char line[1024];
        memset(line, 'x', sizeof line - 1);
        line[sizeof line - 1] = '\n';
        for (long i = 0; i < kib; i++) fwrite(line, 1, sizeof line, stdout);
        fflush(stdout);
        say("ok %ld", kib);
    }
    else if (!strncmp(path, "/exit/", 6)) { fprintf(stderr, "hostile: exiting with %d\n", atoi(path + 6)); exit(atoi(path + 6)); }
    else say("unknown %s", path);
}

static void serve(int listener) {
    for (;;) {
        int c = accept(listener, NULL, NULL);
        if (c < 0) continue;
        char request[4096];
        ssize_t n = recv(c, request, sizeof request - 1, 0);
        if (n <= 0) { close(c); continue; }
        request[n] = 0;
        char method[16], path[2048];
        if (sscanf(request, "%15s %2047s", method, path) != 2) { close(c); continue; }
        char head[256];
        if (!strncmp(path, "/exit/", 6)) {
            /* Answer first: the attack ends the app. */
            int len = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            send(c, head, len, 0);
            close(c);
        }
        attack(path);
        int len = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", strlen(reply));
        send(c, head, len, MSG_NOSIGNAL);
        send(c, reply, strlen(reply), MSG_NOSIGNAL);
        close(c);
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    int port = argc > 1 ? atoi(argv[1]) : 8000;
    if (argc > 2 && !strcmp(argv[2], "--exit")) { fprintf(stderr, "hostile: exiting at once\n"); return argc > 3 ? atoi(argv[3]) : 1; }
    if (argc > 2 && !strcmp(argv[2], "--no-listen")) { fprintf(stderr, "hostile: not listening\n"); for (;;) pause(); }

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(listener, (struct sockaddr *)&a, sizeof a) < 0 || listen(listener, 64) < 0) { perror("hostile: listen"); return 1; }
    fprintf(stderr, "hostile: listening on %d\n", port);
    serve(listener);
}
