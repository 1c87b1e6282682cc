/*
 * harness-client: runs a harness command line inside the home's running daemon, or else in a JVM.
 *
 *   harness-client JAR N JAVA_COMMAND(N words) [ARG...]
 *
 * The ./harness launcher runs this instead of a JVM when it was built. It finds the home's control
 * socket as the CLI would (--home, else $HARNESS_HOME, else ~/.harness), checks that the daemon
 * there runs as this user (SO_PEERCRED), and sends one request: the arguments, the working
 * directory, the environment, and which jar the launcher would have run. The daemon runs the CLI's
 * own command code for it (daemon/.../CommandHost.java, cli/.../hosted/HostedCommands.java) and
 * sends back what the command prints, then its exit code.
 *
 * Why: a JVM costs `harness start` about 0.2 s and 0.23 s of CPU before the command does anything;
 * this costs a few milliseconds. The daemon's JVM is warm and already holds everything a command
 * needs.
 *
 * Whenever the daemon cannot or will not run the command (no daemon, another user's, an older
 * daemon without the op, a command it does not host, a rebuilt jar, a request too big, anything
 * that is not valid UTF-8), nothing has run, and this program replaces itself with
 * JAVA_COMMAND ARG..., exactly what the launcher would have run. Once the daemon has begun to
 * answer, the command has run there; a connection lost after that is an error, never a second run.
 *
 * HARNESS_CLIENT_DEBUG=1 says on stderr which way a command went, and why.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

/* The daemon buffers at most this much of a request line (ControlProtocol.MAX_REQUEST_BYTES). */
#define MAX_REQUEST_BYTES (128 * 1024)
/* Longest answer line: a progress line carries at most 48 KiB of output in base64. */
#define MAX_LINE_BYTES (1024 * 1024)
/* Exit code when the daemon is lost mid-command (ErrorKind.DAEMON_UNAVAILABLE). */
#define EXIT_ERROR 1

static char **fallback_argv;
static int debug;

static void say(const char *fmt, ...) {
    if (!debug) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    fputs("harness-client: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Nothing has run in the daemon: run the command the way the launcher would have. */
static void fall_back(const char *why) {
    say("runs in a JVM: %s", why);
    execvp(fallback_argv[0], fallback_argv);
    fprintf(stderr, "harness: cannot run %s: %s\n", fallback_argv[0], strerror(errno));
    exit(EXIT_ERROR);
}

struct buf {
    char *p;
    size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap) {
            cap *= 2;
        }
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            return -1;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

static int buf_str(struct buf *b, const char *s) {
    return buf_add(b, s, strlen(s));
}

/* Whether s[0..n) is well-formed UTF-8, which the JVM would decode to the same text. */
static int valid_utf8(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t more;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            more = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            more = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= more) {
            return 0;
        }
        for (size_t k = 1; k <= more; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((more == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (more == 3 && (cp < 0x10000 || cp > 0x10ffff))) {
            return 0;
        }
        i += more + 1;
    }
    return 1;
}

/* Appends s[0..n) as a JSON string; -1 when it is not UTF-8 (or memory ran out). */
static int buf_json(struct buf *b, const char *s, size_t n) {
    if (!valid_utf8((const unsigned char *) s, n) || buf_add(b, "\"", 1) != 0) {
        return -1;
    }
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        char esc[8];
        if (c == '"' || c == '\\') {
            snprintf(esc, sizeof esc, "\\%c", c);
        } else {
            snprintf(esc, sizeof esc, "\\u%04x", c);
        }
        if (buf_add(b, s + run, i - run) != 0 || buf_str(b, esc) != 0) {
            return -1;
        }
        run = i + 1;
    }
    return buf_add(b, s + run, n - run) != 0 || buf_add(b, "\"", 1) != 0 ? -1 : 0;
}

static int buf_json_str(struct buf *b, const char *s) {
    return buf_json(b, s, strlen(s));
}

/* Java's String.isBlank: empty or whitespace only. */
static int blank(const char *s) {
    for (; *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f' && *s != '\v') {
            return 0;
        }
    }
    return 1;
}

/*
 * The home's directory as HarnessHome.resolve finds it: --home (anywhere before --, as the CLI's
 * store prefetch reads it), else $HARNESS_HOME, else the user's home directory's .harness. A guess
 * that turns out wrong costs nothing: the daemon refuses a command for a home it does not serve.
 */
static int home_dir(int argc, char **argv, struct buf *out) {
    const char *home = NULL;
    for (int i = 0; i < argc && home == NULL; i++) {
        if (strcmp(argv[i], "--") == 0) {
            break;
        }
        if (strcmp(argv[i], "--home") == 0 && i + 1 < argc) {
            home = argv[i + 1];
        } else if (strncmp(argv[i], "--home=", 7) == 0) {
            home = argv[i] + 7;
        }
    }
    if (home == NULL || blank(home)) {
        home = getenv("HARNESS_HOME");
    }
    if (home != NULL && !blank(home)) {
        return buf_str(out, home);
    }
    struct passwd *pw = getpwuid(getuid()); /* the JVM's user.home */
    if (pw == NULL || pw->pw_dir == NULL) {
        return -1;
    }
    return buf_str(out, pw->pw_dir) != 0 || buf_str(out, "/.harness") != 0 ? -1 : 0;
}

/* A connected socket to the daemon of that home, run by this user; -1 with errno-less reasons said. */
static int connect_daemon(const char *home, const char **why) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if ((size_t) snprintf(addr.sun_path, sizeof addr.sun_path, "%s/harness.sock", home) >= sizeof addr.sun_path) {
        *why = "the socket's path is too long for a Unix socket address";
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *why = "no socket";
        return -1;
    }
    if (connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
        *why = "no daemon answers on the home's socket";
        close(fd);
        return -1;
    }
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != getuid()) {
        *why = "the socket's daemon is not this user's";
        close(fd);
        return -1;
    }
    return fd;
}

/* {"op":"command","args":[...],"cwd":"...","env":{...},"jar":{...}}\n, or -1 (not UTF-8, no cwd). */
static int request(struct buf *r, int argc, char **argv, const char *jar) {
    char cwd[PATH_MAX];
    char real[PATH_MAX];
    struct stat st;
    if (getcwd(cwd, sizeof cwd) == NULL || realpath(jar, real) == NULL || stat(real, &st) != 0) {
        return -1;
    }
    if (buf_str(r, "{\"op\":\"command\",\"args\":[") != 0) {
        return -1;
    }
    for (int i = 0; i < argc; i++) {
        if ((i > 0 && buf_str(r, ",") != 0) || buf_json_str(r, argv[i]) != 0) {
            return -1;
        }
    }
    if (buf_str(r, "],\"cwd\":") != 0 || buf_json_str(r, cwd) != 0 || buf_str(r, ",\"env\":{") != 0) {
        return -1;
    }
    int first = 1;
    for (char **e = environ; *e != NULL; e++) {
        const char *eq = strchr(*e, '=');
        if (eq == NULL || eq == *e) {
            continue; /* as the JVM's System.getenv: no name, no variable */
        }
        if ((!first && buf_str(r, ",") != 0) || buf_json(r, *e, (size_t) (eq - *e)) != 0 || buf_str(r, ":") != 0
            || buf_json_str(r, eq + 1) != 0) {
            return -1;
        }
        first = 0;
    }
    char tail[128];
    snprintf(tail, sizeof tail, "},\"jar\":{\"size\":%lld,\"mtime\":%lld,\"path\":", (long long) st.st_size,
             (long long) st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000);
    if (buf_str(r, tail) != 0 || buf_json_str(r, real) != 0 || buf_str(r, "}}\n") != 0) {
        return -1;
    }
    return 0;
}

static int write_all(int fd, const char *p, size_t n, int socket) {
    while (n > 0) {
        ssize_t w = socket ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decodes base64 s[0..n) in place; returns the decoded length, or -1. */
static long b64_decode(char *s, size_t n) {
    size_t out = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '=') {
            break;
        }
        int v = b64_value(s[i]);
        if (v < 0) {
            return -1;
        }
        acc = (acc << 6) | (uint32_t) v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            s[out++] = (char) ((acc >> bits) & 0xff);
        }
    }
    return (long) out;
}

/*
 * One answer line. Returns 1 after output was written, 0 with *exit set at the end, -1 for a line
 * that is neither (an error answer: before any output, a refusal).
 */
static int answer(char *line, size_t n, int *exit_code) {
    static const char out[] = "{\"out\":\"", err[] = "{\"err\":\"", done[] = "{\"ok\":true,\"exit\":";
    int fd = -1;
    size_t skip = 0;
    if (n > sizeof out && memcmp(line, out, sizeof out - 1) == 0) {
        fd = 1;
        skip = sizeof out - 1;
    } else if (n > sizeof err && memcmp(line, err, sizeof err - 1) == 0) {
        fd = 2;
        skip = sizeof err - 1;
    }
    if (fd > 0) {
        if (n < skip + 2 || line[n - 1] != '}' || line[n - 2] != '"') {
            return -1;
        }
        long len = b64_decode(line + skip, n - skip - 2);
        if (len < 0) {
            return -1;
        }
        /* Once the command prints, nothing falls back (so no JVM inherits this): a reader that went
           away (harness ps | head) fails the writes, not the client, and the exit code stays the
           command's, as with the JVM, which ignores SIGPIPE too. */
        signal(SIGPIPE, SIG_IGN);
        write_all(fd, line + skip, (size_t) len, 0);
        return 1;
    }
    if (n > sizeof done && memcmp(line, done, sizeof done - 1) == 0) {
        char *end;
        long code = strtol(line + sizeof done - 1, &end, 10);
        if (end != line + sizeof done - 1 && *end == '}' && code >= 0 && code <= 255) {
            *exit_code = (int) code;
            return 0;
        }
    }
    return -1;
}

int main(int argc, char **argv) {
    debug = getenv("HARNESS_CLIENT_DEBUG") != NULL && getenv("HARNESS_CLIENT_DEBUG")[0] != 0;
    if (argc < 3) {
        fprintf(stderr, "harness-client: usage: harness-client JAR N JAVA_COMMAND... [ARG...]\n");
        return 2;
    }
    const char *jar = argv[1];
    char *end;
    long n = strtol(argv[2], &end, 10);
    if (*end != 0 || n < 1 || n > argc - 3) {
        fprintf(stderr, "harness-client: usage: harness-client JAR N JAVA_COMMAND... [ARG...]\n");
        return 2;
    }
    /* JAVA_COMMAND followed by the arguments: argv's own tail, already NULL-terminated. */
    fallback_argv = argv + 3;
    int args_count = argc - 3 - (int) n;
    char **args = argv + 3 + n;

    struct buf home = {0};
    struct buf req = {0};
    const char *why = NULL;
    if (home_dir(args_count, args, &home) != 0) {
        fall_back("no home directory");
    }
    int fd = connect_daemon(home.p, &why);
    if (fd < 0) {
        fall_back(why);
    }
    if (request(&req, args_count, args, jar) != 0) {
        fall_back("the arguments, environment or working directory are not UTF-8 text");
    }
    if (req.len > MAX_REQUEST_BYTES) {
        fall_back("the request is longer than the daemon takes");
    }
    if (write_all(fd, req.p, req.len, 1) != 0) {
        fall_back("the daemon closed the connection");
    }

    struct buf line = {0};
    char chunk[65536];
    int answered = 0;
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            /* The command may have run (or be running) in a daemon that died: never run it twice. */
            fprintf(stderr, "harness: lost the daemon while it ran the command; see harness ps\n");
            return EXIT_ERROR;
        }
        size_t from = 0;
        for (size_t i = 0; i < (size_t) r; i++) {
            if (chunk[i] != '\n') {
                continue;
            }
            if (buf_add(&line, chunk + from, i - from) != 0) {
                fprintf(stderr, "harness: out of memory\n");
                return EXIT_ERROR;
            }
            from = i + 1;
            int exit_code = EXIT_ERROR;
            int kind = answer(line.p, line.len, &exit_code);
            if (kind == 0) {
                say("ran in the daemon");
                return exit_code;
            }
            if (kind < 0) {
                if (!answered) {
                    /* A refusal (not_hosted, busy, shutting_down, an older daemon's unknown op): nothing ran. */
                    close(fd);
                    fall_back(line.p);
                }
                fprintf(stderr, "harness: the daemon's answer is not understood: %.200s\n", line.p);
                return EXIT_ERROR;
            }
            answered = 1;
            line.len = 0;
        }
        if (buf_add(&line, chunk + from, (size_t) r - from) != 0 || line.len > MAX_LINE_BYTES) {
            fprintf(stderr, "harness: the daemon's answer is too long\n");
            return EXIT_ERROR;
        }
    }
}
