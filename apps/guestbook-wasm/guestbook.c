// Guestbook: a WAGI module (WASI preview 1) for Outpost. Each person's entries are kept in their own file in the
// grain's storage (/var/entries/<hex of user id>.txt); the page shows everyone's entries, newest first.
// Build with ./build.sh; docs/wasm-apps.md walks through it.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define ENTRIES_DIR "/var/entries"
#define MAX_MESSAGE 500
#define MAX_NAME 100
#define MAX_BODY 4096
#define MAX_ENTRIES 500

typedef struct {
    long long time;
    int mine;
    char name[MAX_NAME + 1];
    char message[MAX_MESSAGE + 1];
} entry;

static entry entries[MAX_ENTRIES];
static int entry_count;

static const char *env(const char *name) {
    const char *value = getenv(name);
    return value ? value : "";
}

static void html(const char *text) {
    for (; *text; text++) {
        switch (*text) {
        case '<': fputs("&lt;", stdout); break;
        case '>': fputs("&gt;", stdout); break;
        case '&': fputs("&amp;", stdout); break;
        case '"': fputs("&quot;", stdout); break;
        case '\'': fputs("&#39;", stdout); break;
        default: putchar(*text);
        }
    }
}

// The user id may hold any character; hex keeps every id a safe, distinct file name.
static void user_file(char *path, size_t size, const char *user_id) {
    int used = snprintf(path, size, "%s/", ENTRIES_DIR);
    for (const unsigned char *p = (const unsigned char *)user_id; *p && used + 3 < (int)size - 4; p++) {
        used += snprintf(path + used, size - used, "%02x", *p);
    }
    snprintf(path + used, size - used, ".txt");
}

// OUTPOST_PERMISSIONS is a comma-separated list of the manifest's permission ids this person holds.
static int can_write(void) {
    const char *permissions = env("OUTPOST_PERMISSIONS");
    size_t length = strlen("write");
    for (const char *p = permissions; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == length && strncmp(p, "write", length) == 0) {
            return 1;
        }
        if (!end) {
            break;
        }
        p = end + 1;
    }
    return 0;
}

// Tabs and line breaks separate fields and records in the files: keep them out of stored text.
static void flatten(char *text) {
    for (; *text; text++) {
        if (*text == '\t' || *text == '\n' || *text == '\r') {
            *text = ' ';
        }
    }
}

static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Finds name=value in an application/x-www-form-urlencoded body and decodes it in place.
static char *form_value(char *body, const char *name) {
    size_t length = strlen(name);
    for (char *p = body; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
        if (strncmp(p, name, length) != 0 || p[length] != '=') {
            continue;
        }
        char *value = p + length + 1, *out = value;
        for (char *in = value; *in && *in != '&'; in++) {
            if (*in == '+') {
                *out++ = ' ';
            } else if (*in == '%' && hex(in[1]) >= 0 && hex(in[2]) >= 0) {
                *out++ = (char)(hex(in[1]) * 16 + hex(in[2]));
                in += 2;
            } else {
                *out++ = *in;
            }
        }
        *out = '\0';
        return value;
    }
    return NULL;
}

static void load_file(const char *path, int mine) {
    FILE *file = fopen(path, "r");
    if (!file) {
        return;
    }
    static char line[32 + MAX_NAME + MAX_MESSAGE + 8];
    while (entry_count < MAX_ENTRIES && fgets(line, sizeof line, file)) {
        char *name = strchr(line, '\t');
        char *message = name ? strchr(name + 1, '\t') : NULL;
        if (!message) {
            continue;
        }
        *name++ = '\0';
        *message++ = '\0';
        message[strcspn(message, "\n")] = '\0';
        entry *e = &entries[entry_count++];
        e->time = atoll(line);
        e->mine = mine;
        snprintf(e->name, sizeof e->name, "%s", name);
        snprintf(e->message, sizeof e->message, "%s", message);
    }
    fclose(file);
}

static int newest_first(const void *a, const void *b) {
    long long ta = ((const entry *)a)->time, tb = ((const entry *)b)->time;
    return ta < tb ? 1 : ta > tb ? -1 : 0;
}

static void load_entries(const char *own_file) {
    DIR *dir = opendir(ENTRIES_DIR);
    if (!dir) {
        return;
    }
    struct dirent *item;
    static char path[512];
    while ((item = readdir(dir))) {
        if (item->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", ENTRIES_DIR, item->d_name);
        load_file(path, strcmp(path, own_file) == 0);
    }
    closedir(dir);
    qsort(entries, entry_count, sizeof entries[0], newest_first);
}

static void page_start(const char *status) {
    printf("Status: %s\nContent-Type: text/html; charset=utf-8\nCache-Control: no-store\n\n", status);
    fputs("<!doctype html><html><head><meta charset=utf-8><meta name=viewport content=\"width=device-width\">"
          "<title>Guestbook</title><style>body{font:16px system-ui;max-width:40em;margin:2em auto;padding:0 1em;color:#222}"
          "textarea{width:100%;box-sizing:border-box;font:inherit}li{margin:.6em 0}.who{color:#666;font-size:.9em}"
          ".mine{border-left:3px solid #4a7;padding-left:.5em}</style></head><body><h1>Guestbook</h1>",
          stdout);
}

static int error_page(const char *status, const char *message) {
    page_start(status);
    fputs("<p>", stdout);
    html(message);
    fputs("</p><p><a href=\"/\">Back to the guestbook</a></p></body></html>\n", stdout);
    return 0;
}

static int show(const char *own_file) {
    load_entries(own_file);
    int mine = 0;
    for (int i = 0; i < entry_count; i++) {
        mine += entries[i].mine;
    }
    page_start("200 OK");
    printf("<p>Signed in as <b>");
    html(*env("OUTPOST_USER_NAME") ? env("OUTPOST_USER_NAME") : "a guest");
    printf("</b>. You have written %d of %d entries.</p>", mine, entry_count);
    if (can_write() && *env("OUTPOST_USER_ID")) {
        printf("<form method=post action=\"/\"><textarea name=message rows=3 maxlength=%d required></textarea>"
               "<p><button>Sign the guestbook</button></p></form>", MAX_MESSAGE);
    } else {
        fputs("<p><i>You may read this guestbook but not write in it.</i></p>", stdout);
    }
    fputs("<ul>", stdout);
    for (int i = 0; i < entry_count; i++) {
        printf("<li%s><div class=who>", entries[i].mine ? " class=mine" : "");
        html(entries[i].name);
        time_t when = (time_t)entries[i].time;
        static char date[32];
        strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&when));
        printf(", %s</div>", date);
        html(entries[i].message);
        fputs("</li>", stdout);
    }
    fputs("</ul></body></html>\n", stdout);
    return 0;
}

static int sign(const char *own_file) {
    if (!can_write() || !*env("OUTPOST_USER_ID")) {
        return error_page("403 Forbidden", "You do not have permission to write in this guestbook.");
    }
    long length = atol(env("CONTENT_LENGTH"));
    if (length <= 0 || length > MAX_BODY) {
        return error_page("413 Content Too Large", "That entry is too long.");
    }
    static char body[MAX_BODY + 1];
    size_t read = fread(body, 1, (size_t)length, stdin);
    body[read] = '\0';
    char *message = form_value(body, "message");
    if (!message || !*message) {
        return error_page("400 Bad Request", "An entry needs a message.");
    }
    if (strlen(message) > MAX_MESSAGE) {
        message[MAX_MESSAGE] = '\0';
    }
    static char name[MAX_NAME + 1];
    snprintf(name, sizeof name, "%s", *env("OUTPOST_USER_NAME") ? env("OUTPOST_USER_NAME") : "someone");
    flatten(name);
    flatten(message);
    mkdir(ENTRIES_DIR, 0755);
    FILE *file = fopen(own_file, "a");
    if (!file) {
        return error_page("500 Internal Server Error", "The guestbook could not save the entry.");
    }
    fprintf(file, "%lld\t%s\t%s\n", (long long)time(NULL), name, message);
    fclose(file);
    // Post/redirect/get: reloading the page does not sign twice.
    fputs("Status: 303 See Other\nLocation: /\n\n", stdout);
    return 0;
}

int main(void) {
    static char own_file[512];
    user_file(own_file, sizeof own_file, env("OUTPOST_USER_ID"));
    const char *method = env("REQUEST_METHOD");
    if (strcmp(env("PATH_INFO"), "/") != 0) {
        return error_page("404 Not Found", "There is nothing here.");
    }
    if (!strcmp(method, "GET") || !strcmp(method, "HEAD")) {
        return show(own_file);
    }
    if (!strcmp(method, "POST")) {
        return sign(own_file);
    }
    return error_page("405 Method Not Allowed", "The guestbook only reads and signs.");
}
