/*
 * harness-keeper: the native keeper (docs/design/keeper.md). One process per session, between the
 * daemon and its agent: it spawns the agent (pipes or a pseudo-terminal), is its parent and reaps it,
 * commits its output straight into the home's SQLite database, serves one daemon at a time on
 * keepers/ID.sock, and leaves a durable exit record when the agent has ended and every byte is
 * committed.
 *
 * It is a second implementation of dev.agentharness.supervisor.keeper.KeeperMain (the JVM keeper):
 * same argv (HOME SESSION_ID|--spare), same protocol (KeeperProtocol, version 2), same files
 * (KeeperFiles, ExitRecord) and the same rows (SqliteOutputStore's seq discipline). Why it exists: a
 * JVM does not go below ~60 MiB RSS, issue 10 asks for 40. The shared contract test
 * (KeeperContract and its two subclasses) runs the same sessions through both keepers.
 *
 * Two threads: the main thread owns every file descriptor (agent, sockets) in one poll loop; the
 * writer thread owns the database and commits what the main thread queued: at once after 5 ms without
 * output, else in batches at most 20 ms old or 1 MiB. While more than 4 MiB are queued and not committed, the main thread stops
 * reading the agent's output: its pipe fills and it blocks in write(2) (backpressure, never a drop).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

extern char **environ;

/* ---- the protocol (KeeperProtocol.java) ---- */
#define PROTOCOL_VERSION 2
#define MAX_FRAME (1 << 20)
enum {
    F_HELLO = 1, F_ACTIVITY = 2, F_EXITED = 3, F_DRAINED = 4, F_COMMITTED = 5, F_INPUT_TAKEN = 6, F_SIGNALLED = 7,
    F_STDIN = 10, F_CLOSE_STDIN = 11, F_RESIZE = 12, F_ACK_EXIT = 13, F_ADOPT = 14, F_SIGNAL = 15
};

/* ---- the Java keeper's numbers (Keeper, KeeperMain.config, BatchWriter, OutputPump), but for MAX_CHUNK_BYTES ---- */
#define READ_BYTES (256 * 1024)
#define PIPE_BYTES (1024 * 1024)
/*
 * A chunk's row fits one 64 KiB page: about 60 bytes besides the text, and a table leaf holds at
 * most 65,501 bytes of a row before the rest spills into an overflow page. A full 64 KiB chunk
 * spilled: each row was an 8 KiB cell in a leaf page, rewritten by every commit that added to it,
 * plus an overflow page, and a flood's database took 1.16x the bytes captured. At this size it takes
 * 1.02x, and the keeper writes 12% less (strace and /proc/PID/io through a 341 MiB flood).
 */
#define MAX_CHUNK_BYTES (64 * 1024 - 128)
#define BATCH_MAX_BYTES (1 << 20)
#define SESSION_BUFFER_BYTES (4 << 20)
#define BATCH_WINDOW_MS 20 /* the longest output that keeps coming waits before its batch commits */
#define QUIET_MS 5 /* output after this long without any commits at once (as BatchWriter.QUIET_NANOS) */
#define ACTIVITY_EVERY_MS 50
#define PIPE_HOLDER_CAP_MS 700
#define ACK_WAIT_MS 10000
#define TAIL_BYTES 4096
#define STDERR_HEAD_BYTES 1024
#define CACHE_KIB 1024
#define BUSY_TIMEOUT_MS 5000
#define JOURNAL_SIZE_LIMIT (64LL * 1024 * 1024)
#define WAL_CHECKPOINT_FRAMES 1000 /* SQLite's own default for the automatic checkpoint */
/* Frames to a daemon that does not read pile up to this; beyond it activity reports are skipped. */
#define OUT_SOFT_LIMIT (256 * 1024)
#define KEEPER_ONLY_ENV "HARNESS_KEEPER_ONLY_ENV"

enum { S_STDOUT = 0, S_STDERR = 1, S_PTY = 2 };
static const char *STREAM_NAMES[] = {"stdout", "stderr", "pty"};

/* ---------------------------------------------------------------- small things */

static int64_t wall_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int64_t mono_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

/* 2025-01-31T12:00:00.000Z, as store.internal.Times formats instants. */
static void format_instant(int64_t ms, char out[32]) {
    time_t secs = (time_t) (ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", (int) (ms % 1000));
}

/* The keeper's stdout and stderr are its log (keepers/ID.log): one line per event. */
static void logmsg(const char *level, const char *fmt, ...) {
    char when[32];
    format_instant(wall_ms(), when);
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s %-5s harness-keeper[%d]: %s\n", when, level, (int) getpid(), line);
    fflush(stderr);
}

/* a + b + c into out; false (and ENAMETOOLONG) when it does not fit. */
static int path3(char *out, size_t size, const char *a, const char *b, const char *c) {
    int n = snprintf(out, size, "%s%s%s", a, b, c);
    if (n < 0 || (size_t) n >= size) {
        errno = ENAMETOOLONG;
        return 0;
    }
    return 1;
}

static void *xmalloc(size_t n) {
    void *p = malloc(n == 0 ? 1 : n);
    if (p == NULL) {
        fprintf(stderr, "harness-keeper: out of memory\n");
        exit(70);
    }
    return p;
}

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n == 0 ? 1 : n);
    if (q == NULL) {
        fprintf(stderr, "harness-keeper: out of memory\n");
        exit(70);
    }
    return q;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s);
    char *p = xmalloc(n + 1);
    memcpy(p, s, n + 1);
    return p;
}

struct buf {
    unsigned char *p;
    size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t more) {
    if (b->len + more > b->cap) {
        size_t cap = b->cap < 256 ? 256 : b->cap;
        while (cap < b->len + more) {
            cap *= 2;
        }
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
}

static void buf_add(struct buf *b, const void *data, size_t n) {
    buf_reserve(b, n);
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void buf_u8(struct buf *b, unsigned v) {
    unsigned char c = (unsigned char) v;
    buf_add(b, &c, 1);
}

static void buf_u16(struct buf *b, unsigned v) {
    unsigned char c[2] = {(unsigned char) (v >> 8), (unsigned char) v};
    buf_add(b, c, 2);
}

static void buf_u32(struct buf *b, uint32_t v) {
    unsigned char c[4] = {(unsigned char) (v >> 24), (unsigned char) (v >> 16), (unsigned char) (v >> 8), (unsigned char) v};
    buf_add(b, c, 4);
}

static void buf_u64(struct buf *b, uint64_t v) {
    buf_u32(b, (uint32_t) (v >> 32));
    buf_u32(b, (uint32_t) v);
}

static void buf_drop_front(struct buf *b, size_t n) {
    memmove(b->p, b->p + n, b->len - n);
    b->len -= n;
}

static void buf_free(struct buf *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static uint32_t be32(const unsigned char *p) {
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

/* ---------------------------------------------------------------- UTF-8 (core's Utf8.java) */

static int lead_length(unsigned char b) {
    if (b >= 0xC2 && b <= 0xDF) {
        return 2;
    }
    if (b >= 0xE0 && b <= 0xEF) {
        return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        return 4;
    }
    return 0;
}

static int is_continuation(unsigned char b) {
    return (b & 0xC0) == 0x80;
}

/* Whether b may be byte index (1 to 3) of a character starting with lead (Unicode table 3-7). */
static int continuation_fits(unsigned char lead, int index, unsigned char c) {
    if (index > 1) {
        return c >= 0x80 && c <= 0xBF;
    }
    switch (lead) {
        case 0xE0: return c >= 0xA0 && c <= 0xBF;
        case 0xED: return c >= 0x80 && c <= 0x9F;
        case 0xF0: return c >= 0x90 && c <= 0xBF;
        case 0xF4: return c >= 0x80 && c <= 0x8F;
        default: return c >= 0x80 && c <= 0xBF;
    }
}

/* The length (1 to 4) of the well-formed character at buf[i], reading no further than end; 0 if none. */
static int sequence_length(const unsigned char *buf, size_t i, size_t end) {
    unsigned char b = buf[i];
    if (b < 0x80) {
        return 1;
    }
    int need = lead_length(b);
    if (need == 0 || i + (size_t) need > end) {
        return 0;
    }
    for (int k = 1; k < need; k++) {
        if (!continuation_fits(b, k, buf[i + k])) {
            return 0;
        }
    }
    return need;
}

static int well_formed(const unsigned char *buf, size_t n) {
    size_t i = 0;
    while (i < n) {
        /* Eight ASCII bytes at a time: agents print mostly ASCII, and byte by byte this check was
           the keeper's largest user-space cost under a flood (perf, three agents). */
        while (i + 8 <= n) {
            uint64_t word;
            memcpy(&word, buf + i, sizeof word);
            if (word & 0x8080808080808080ULL) {
                break;
            }
            i += 8;
        }
        if (i >= n) {
            break;
        }
        if (buf[i] < 0x80) {
            i++;
            continue;
        }
        int need = sequence_length(buf, i, n);
        if (need == 0) {
            return 0;
        }
        i += (size_t) need;
    }
    return 1;
}

/* How many bytes at the end begin a character not yet complete that the JDK's decoder would wait on. */
static size_t incomplete_tail(const unsigned char *buf, size_t n) {
    if (n == 0) {
        return 0;
    }
    long lead = (long) n - 1;
    while (lead >= 0 && lead > (long) n - 4 && is_continuation(buf[lead])) {
        lead--;
    }
    if (lead < 0) {
        return 0;
    }
    int need = lead_length(buf[lead]);
    long have = (long) n - lead;
    if (need <= have) {
        return 0;
    }
    for (long i = lead + 1; i < (long) n; i++) {
        int fits = buf[lead] == 0xED ? is_continuation(buf[i]) : continuation_fits(buf[lead], (int) (i - lead), buf[i]);
        if (!fits) {
            return 0;
        }
    }
    return (size_t) have;
}

/*
 * What a Java String made from these bytes holds, as UTF-8: well-formed characters as they are, each
 * malformed subsequence replaced by U+FFFD (the JDK decodes the maximal subpart of a sequence that
 * could have been well-formed as one replacement).
 */
static void to_valid_utf8(const unsigned char *in, size_t n, struct buf *out) {
    size_t i = 0;
    while (i < n) {
        int len = sequence_length(in, i, n);
        if (len > 0) {
            buf_add(out, in + i, (size_t) len);
            i += (size_t) len;
            continue;
        }
        size_t bad = 1;
        int need = lead_length(in[i]);
        if (need > 0) {
            while (bad < (size_t) need && i + bad < n && continuation_fits(in[i], (int) bad, in[i + bad])) {
                bad++;
            }
        }
        static const unsigned char FFFD[] = {0xEF, 0xBF, 0xBD};
        buf_add(out, FFFD, 3);
        i += bad;
    }
}

/* DataOutput.writeUTF of the Java String these (valid) UTF-8 bytes make, cut at maxChars UTF-16 units. */
static void write_java_utf(struct buf *out, const unsigned char *s, size_t n, size_t max_chars) {
    struct buf m = {0};
    size_t chars = 0;
    size_t i = 0;
    while (i < n && chars < max_chars) {
        uint32_t cp;
        int len = sequence_length(s, i, n);
        if (len == 0) {
            cp = 0xFFFD;
            len = 1;
        } else if (len == 1) {
            cp = s[i];
        } else if (len == 2) {
            cp = ((uint32_t) (s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F);
        } else if (len == 3) {
            cp = ((uint32_t) (s[i] & 0x0F) << 12) | ((uint32_t) (s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
        } else {
            cp = ((uint32_t) (s[i] & 0x07) << 18) | ((uint32_t) (s[i + 1] & 0x3F) << 12) | ((uint32_t) (s[i + 2] & 0x3F) << 6)
                    | (s[i + 3] & 0x3F);
        }
        i += (size_t) len;
        uint32_t units[2];
        int count = 1;
        units[0] = cp;
        if (cp >= 0x10000) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            count = 2;
        }
        for (int u = 0; u < count && chars < max_chars; u++, chars++) {
            uint32_t c = units[u];
            if (c >= 1 && c <= 0x7F) {
                buf_u8(&m, c);
            } else if (c <= 0x7FF) {
                buf_u8(&m, 0xC0 | (c >> 6));
                buf_u8(&m, 0x80 | (c & 0x3F));
            } else {
                buf_u8(&m, 0xE0 | (c >> 12));
                buf_u8(&m, 0x80 | ((c >> 6) & 0x3F));
                buf_u8(&m, 0x80 | (c & 0x3F));
            }
        }
        if (m.len > 65535 - 6) {
            break;
        }
    }
    buf_u16(out, (unsigned) m.len);
    buf_add(out, m.p, m.len);
    buf_free(&m);
}

/* ---------------------------------------------------------------- the writer (BatchWriter + SqliteOutputStore) */

struct chunk {
    struct chunk *next;
    int stream;
    int64_t at;
    unsigned char *data;
    size_t len, cap;
    size_t charged;
};

struct writer {
    sqlite3 *db;
    const char *session;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct chunk *head, *tail;
    struct chunk *newest; /* still extendable: not taken by a batch */
    size_t pending;       /* charged bytes queued, not taken */
    int64_t first_pending;
    int64_t last_enqueue; /* mono_ms when the last chunk was queued */
    int prompt;           /* the pending batch began after a quiet spell: commit it at once */
    int committed;        /* a commit happened that the daemon has not been told of */
    size_t outstanding;   /* charged bytes queued or being committed */
    int closing;
    int done;             /* the thread has written everything it will and is returning */
    int wake_fd;          /* the main loop's: written when outstanding falls to the limit */
    int turn_fd;          /* HOME/write.lock, whose lock orders the keepers' transactions; -1: none */
    int wal_frames;       /* frames in the WAL after the last commit (the WAL hook) */
    pthread_t thread;
    int started;
};

static struct writer W;

static struct chunk *chunk_new(int stream, const unsigned char *data, size_t len, int64_t at) {
    struct chunk *c = xmalloc(sizeof *c);
    c->next = NULL;
    c->stream = stream;
    c->at = at;
    c->cap = len;
    c->data = xmalloc(len);
    memcpy(c->data, data, len);
    c->len = len;
    c->charged = 0;
    if (W.tail) {
        W.tail->next = c;
    } else {
        W.head = c;
    }
    W.tail = c;
    W.newest = c;
    return c;
}

/* How much of data (len bytes) goes into a chunk with room bytes left: a character is never cut. */
static size_t fitting(const unsigned char *data, size_t len, size_t room) {
    return len <= room ? len : room - incomplete_tail(data, room);
}

/*
 * Queues output for the writer: into the newest chunk while it has room, then into new ones, so
 * that a flood's chunks are full (MAX_CHUNK_BYTES, one page each) whatever its reads were. The
 * budget's charge goes with the last of them.
 */
static void writer_enqueue(int stream, const unsigned char *data, size_t len, size_t charged, int64_t at) {
    pthread_mutex_lock(&W.mu);
    W.outstanding += charged;
    struct chunk *c = W.newest;
    if (c != NULL && c->stream == stream && c->len < MAX_CHUNK_BYTES) {
        size_t take = fitting(data, len, MAX_CHUNK_BYTES - c->len);
        if (c->len + take > c->cap) {
            size_t cap = c->len * 2 > 256 ? c->len * 2 : 256;
            if (cap < c->len + take) {
                cap = c->len + take;
            }
            if (cap > MAX_CHUNK_BYTES) {
                cap = MAX_CHUNK_BYTES;
            }
            c->data = xrealloc(c->data, cap);
            c->cap = cap;
        }
        memcpy(c->data + c->len, data, take);
        c->len += take;
        data += take;
        len -= take;
    }
    while (len > 0) {
        size_t take = fitting(data, len, MAX_CHUNK_BYTES);
        c = chunk_new(stream, data, take, at);
        data += take;
        len -= take;
    }
    c->charged += charged;
    int was_empty = W.pending == 0;
    int64_t now = mono_ms();
    if (was_empty) {
        W.first_pending = now;
        W.prompt = W.last_enqueue == 0 || now - W.last_enqueue >= QUIET_MS;
    }
    W.last_enqueue = now;
    W.pending += charged;
    if (was_empty || W.pending >= BATCH_MAX_BYTES) {
        pthread_cond_signal(&W.cv);
    }
    pthread_mutex_unlock(&W.mu);
}

static size_t writer_outstanding(void) {
    pthread_mutex_lock(&W.mu);
    size_t n = W.outstanding;
    pthread_mutex_unlock(&W.mu);
    return n;
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(W.db, sql, -1, &st, NULL) != SQLITE_OK) {
        return NULL;
    }
    return st;
}

/* One step of a statement that returns no rows (or ignores them). */
static int exec_sql(const char *sql) {
    return sqlite3_exec(W.db, sql, NULL, NULL, NULL);
}

static const char *INSERT_TEXT = "INSERT INTO session_outputs (session_id, seq, stream, timestamp, data, bytes)"
                                 " VALUES (?, ?, ?, ?, CAST(? AS TEXT), ?)";
static const char *INSERT_BLOB = "INSERT INTO session_outputs (session_id, seq, stream, timestamp, data, bytes)"
                                 " VALUES (?, ?, ?, ?, ?, ?)";
static const char *LAST_SEQ = "SELECT output_chunks FROM sessions WHERE id = ?";
static const char *ADVANCE = "UPDATE sessions SET output_chunks = ?, output_bytes = output_bytes + ?,"
                             " last_activity_at = MAX(COALESCE(last_activity_at, ''), ?) WHERE id = ?";

/*
 * SqliteOutputStore.appendBatch for one session: BEGIN IMMEDIATE, the session's last seq from its
 * row, one insert per chunk (text cast from its bytes, or a BLOB when not well-formed UTF-8), the
 * row's counters advanced once, COMMIT. Returns SQLITE_OK or the failing result code (rolled back).
 */
static int append_batch(struct chunk *batch, int *missing) {
    *missing = 0;
    int rc = exec_sql("BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        return rc;
    }
    sqlite3_stmt *last = prepare(LAST_SEQ), *text = prepare(INSERT_TEXT), *blob = prepare(INSERT_BLOB), *advance = prepare(ADVANCE);
    int64_t seq = 0, bytes = 0, latest = INT64_MIN;
    if (!last || !text || !blob || !advance) {
        rc = sqlite3_errcode(W.db);
        if (rc == SQLITE_OK) {
            rc = SQLITE_ERROR;
        }
        goto fail;
    }
    sqlite3_bind_text(last, 1, W.session, -1, SQLITE_STATIC);
    rc = sqlite3_step(last);
    if (rc == SQLITE_ROW) {
        seq = sqlite3_column_int64(last, 0);
    } else if (rc == SQLITE_DONE) {
        *missing = 1;
        rc = SQLITE_OK;
        goto fail; /* nothing to store: rolled back below */
    } else {
        goto fail;
    }
    for (struct chunk *c = batch; c != NULL; c = c->next) {
        sqlite3_stmt *ins = well_formed(c->data, c->len) ? text : blob;
        seq++;
        bytes += (int64_t) c->len;
        if (c->at > latest) {
            latest = c->at;
        }
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, W.session, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 2, seq);
        sqlite3_bind_text(ins, 3, STREAM_NAMES[c->stream], -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 4, c->at);
        sqlite3_bind_blob(ins, 5, c->data, (int) c->len, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 6, (int64_t) c->len);
        rc = sqlite3_step(ins);
        if (rc != SQLITE_DONE) {
            goto fail;
        }
    }
    char when[32];
    format_instant(latest, when);
    sqlite3_bind_int64(advance, 1, seq);
    sqlite3_bind_int64(advance, 2, bytes);
    sqlite3_bind_text(advance, 3, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(advance, 4, W.session, -1, SQLITE_STATIC);
    rc = sqlite3_step(advance);
    if (rc != SQLITE_DONE) {
        goto fail;
    }
    sqlite3_finalize(last);
    sqlite3_finalize(text);
    sqlite3_finalize(blob);
    sqlite3_finalize(advance);
    rc = exec_sql("COMMIT");
    if (rc != SQLITE_OK) {
        exec_sql("ROLLBACK");
    }
    return rc;
fail:
    sqlite3_finalize(last);
    sqlite3_finalize(text);
    sqlite3_finalize(blob);
    sqlite3_finalize(advance);
    exec_sql("ROLLBACK");
    return rc;
}

/*
 * Write turns. SQLite lets one connection write at a time, and one that finds the database locked
 * sleeps in its busy handler: 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, then 100 ms per try, without
 * being woken when the lock is released. Three keepers flooding at once spent most of their time
 * there (strace: one writer slept 4.3 s of a 7 s capture, nineteen times 100 ms), while the lock was
 * free most of it. So every writer of the home takes turns on a POSIX record lock of HOME/write.lock
 * first (the daemon and the JVM keeper too, in SqliteDatabase/WriteTurns), which the kernel hands to a
 * waiter the moment it is released. Keepers alone in that queue starved the daemon, which then only
 * found the database free in the microseconds between two keepers' transactions. A record lock (not
 * flock) so that Java's FileChannel.lock conflicts with it. It dies with the process, so a killed
 * keeper never leaves it held.
 */
static void open_turns(const char *home) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/write.lock", home);
    W.turn_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (W.turn_fd < 0) {
        logmsg("WARN", "cannot open %s (%s); transactions wait on SQLite's busy handler alone", path, strerror(errno));
    }
}

static void turn_lock(short type) {
    if (W.turn_fd < 0) {
        return;
    }
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    while (fcntl(W.turn_fd, F_SETLKW, &fl) < 0 && errno == EINTR) {
    }
}

/* SQLite calls this after every commit with the WAL's length in frames (it replaces the automatic
   checkpoint's own hook, so commits never checkpoint on their own; see checkpoint_if_due). */
static int wal_hook(void *unused, sqlite3 *db, const char *name, int frames) {
    (void) unused;
    (void) db;
    (void) name;
    W.wal_frames = frames;
    return SQLITE_OK;
}

/*
 * SQLite's automatic checkpoint (PASSIVE once the WAL holds 1000 frames), but on a thread and
 * connection of its own. Inside the commit it held every other keeper's transaction back while it
 * copied up to 64 MiB and synced twice; after the commit but on the writer it still held this
 * session's next lines back: with 64 KiB pages a one-line commit writes about three frames, so a
 * trickle of 1,000 lines met three such checkpoints of 30 to 50 ms, and the lines that came during
 * them were most of `tail -f`'s p99. PASSIVE never waits; when another connection is checkpointing,
 * this one just goes on. Without its own connection the writer checkpoints itself, as before.
 */
static struct checkpointer {
    sqlite3 *db;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int due;
    int closing;
    int started;
    pthread_t thread;
} CK = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *checkpointer_run(void *unused) {
    (void) unused;
    pthread_mutex_lock(&CK.mu);
    for (;;) {
        while (!CK.due && !CK.closing) {
            pthread_cond_wait(&CK.cv, &CK.mu);
        }
        if (CK.closing) {
            break;
        }
        CK.due = 0;
        pthread_mutex_unlock(&CK.mu);
        sqlite3_wal_checkpoint_v2(CK.db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&CK.mu);
    }
    pthread_mutex_unlock(&CK.mu);
    return NULL;
}

static void checkpointer_open(const char *path) {
    if (sqlite3_open_v2(path, &CK.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        logmsg("WARN", "cannot open a connection for checkpoints (%s); the writer checkpoints itself",
               CK.db ? sqlite3_errmsg(CK.db) : "out of memory");
        sqlite3_close(CK.db);
        CK.db = NULL;
        return;
    }
    sqlite3_busy_timeout(CK.db, BUSY_TIMEOUT_MS);
    sqlite3_exec(CK.db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
}

/* Started after the fork, as the writer is. */
static void checkpointer_start(void) {
    if (CK.db != NULL && pthread_create(&CK.thread, NULL, checkpointer_run, NULL) == 0) {
        CK.started = 1;
    }
}

static void checkpointer_close(void) {
    if (CK.started) {
        pthread_mutex_lock(&CK.mu);
        CK.closing = 1;
        pthread_cond_signal(&CK.cv);
        pthread_mutex_unlock(&CK.mu);
        pthread_join(CK.thread, NULL);
        CK.started = 0;
    }
    sqlite3_close(CK.db);
    CK.db = NULL;
}

static void checkpoint_if_due(void) {
    if (W.wal_frames < WAL_CHECKPOINT_FRAMES) {
        return;
    }
    W.wal_frames = 0;
    if (CK.started) {
        pthread_mutex_lock(&CK.mu);
        CK.due = 1;
        pthread_cond_signal(&CK.cv);
        pthread_mutex_unlock(&CK.mu);
    } else {
        sqlite3_wal_checkpoint_v2(W.db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }
}

/*
 * BatchWriter.appendWithRetry: a busy database and a full disk are waited out for as long as they
 * last (the budget holds the agent back meanwhile); when closing, a busy database only for six tries.
 * Anything else is tried six more times, then the batch is dropped with an error in the log.
 */
static void commit_with_retry(struct chunk *batch, int count, size_t bytes) {
    static const long delays[] = {50, 100, 200, 400, 800, 1600};
    int failures = 0;
    int disk_was_full = 0;
    for (int attempt = 0;; attempt++) {
        int missing;
        turn_lock(F_WRLCK);
        int rc = append_batch(batch, &missing);
        turn_lock(F_UNLCK);
        if (rc == SQLITE_OK) {
            if (missing) {
                logmsg("WARN", "dropping output of session %s: it no longer exists", W.session);
            }
            if (disk_was_full) {
                logmsg("WARN", "there is room on the disk again; output is being stored");
            }
            return;
        }
        int primary = rc & 0xFF;
        if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_FULL) {
            pthread_mutex_lock(&W.mu);
            int closing = W.closing;
            pthread_mutex_unlock(&W.mu);
            /* A full disk is waited out even when closing: the agent has ended, nothing waits on
               this keeper but its daemon (served meanwhile, see serve_for), and its last output is
               worth more than a prompt end. A busy database is given up on after a few tries. */
            if (closing && attempt >= 6 && primary != SQLITE_FULL) {
                logmsg("WARN", "%s while closing; giving up on %d chunks", sqlite3_errstr(rc), count);
                return;
            }
            if (primary == SQLITE_FULL) {
                if (!disk_was_full) {
                    logmsg("ERROR", "cannot write the database: disk full; output waits until there is room, and the agent waits with it");
                }
                disk_was_full = 1;
            } else {
                logmsg("WARN", "database busy, output waits: %s", sqlite3_errmsg(W.db));
            }
            long d = delays[attempt < 5 ? attempt : 5];
            sleep_ms(d < 1000 ? d : 1000);
        } else {
            if (failures >= 6) {
                logmsg("ERROR", "session %s: dropping %zu bytes of output that cannot be stored (%s: %s)", W.session, bytes,
                       sqlite3_errstr(rc), sqlite3_errmsg(W.db));
                return;
            }
            sleep_ms(delays[failures++]);
        }
    }
}

static void *writer_run(void *unused) {
    (void) unused;
    pthread_mutex_lock(&W.mu);
    for (;;) {
        while (W.head == NULL) {
            if (W.closing) {
                W.done = 1;
                uint64_t one = 1;
                if (write(W.wake_fd, &one, sizeof one) < 0) {
                    /* the main loop also looks on its own timer */
                }
                pthread_mutex_unlock(&W.mu);
                return NULL;
            }
            pthread_cond_wait(&W.cv, &W.mu);
        }
        while (!W.closing && !W.prompt && W.pending < BATCH_MAX_BYTES) {
            /* At once after a quiet spell (a follower sees a trickle at once); output that keeps
               coming waits for the window, so that a steady stream is not one transaction per read
               (every commit rewrites whole pages into the WAL). */
            int64_t left = W.first_pending + BATCH_WINDOW_MS - mono_ms();
            if (left <= 0) {
                break;
            }
            struct timespec until;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_nsec += left * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&W.cv, &W.mu, &until);
        }
        /* The oldest chunks, up to the batch limit (at least one). */
        struct chunk *batch = W.head, *end = W.head;
        size_t taken = end->charged, text = end->len;
        int count = 1;
        while (end->next != NULL && taken + end->next->charged <= BATCH_MAX_BYTES) {
            end = end->next;
            taken += end->charged;
            text += end->len;
            count++;
        }
        W.head = end->next;
        if (W.head == NULL) {
            W.tail = NULL;
        }
        end->next = NULL;
        for (struct chunk *c = batch; c != NULL; c = c->next) {
            if (c == W.newest) {
                W.newest = NULL; /* taken: never extended again */
            }
        }
        W.pending -= taken; /* what is left is older than the window: it goes next, at once */
        pthread_mutex_unlock(&W.mu);

        commit_with_retry(batch, count, text);

        while (batch != NULL) {
            struct chunk *next = batch->next;
            free(batch->data);
            free(batch);
            batch = next;
        }
        pthread_mutex_lock(&W.mu);
        W.outstanding -= taken;
        W.committed = 1;
        /* Wakes the main loop: it tells the daemon of the commit (COMMITTED, for live followers)
           and reads the agent again if the buffer had been full. */
        uint64_t one = 1;
        if (write(W.wake_fd, &one, sizeof one) < 0) {
            /* the pipe is full of wake-ups already; the main loop also looks on its own timer */
        }
        /* After the wake-up, so that a live follower never waits for a checkpoint's copy and syncs. */
        pthread_mutex_unlock(&W.mu);
        checkpoint_if_due();
        pthread_mutex_lock(&W.mu);
    }
}

/* Writes what is queued (giving up on a busy or full database after a few tries) and stops. */
/* Tells the writer to store what is queued and stop; returns whether it has already stopped. */
static int writer_stop_asked(void) {
    pthread_mutex_lock(&W.mu);
    W.closing = 1;
    pthread_cond_signal(&W.cv);
    int done = W.done;
    pthread_mutex_unlock(&W.mu);
    return done;
}

static void writer_close(void) {
    if (!W.started) {
        return;
    }
    writer_stop_asked();
    pthread_join(W.thread, NULL);
    W.started = 0;
}

/* ---------------------------------------------------------------- the database */

static int open_database(const char *home, char *error, size_t error_size) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/harness.db", home);
    /* Never create it: the daemon made and migrated it before it started any keeper. */
    int rc = sqlite3_open_v2(path, &W.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(error, error_size, "cannot open the database %s: %s", path, W.db ? sqlite3_errmsg(W.db) : sqlite3_errstr(rc));
        sqlite3_close(W.db);
        W.db = NULL;
        return -1;
    }
    sqlite3_busy_timeout(W.db, BUSY_TIMEOUT_MS);
    sqlite3_wal_hook(W.db, wal_hook, NULL);
    open_turns(home);
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", -CACHE_KIB);
    exec_sql("PRAGMA foreign_keys = ON");
    exec_sql("PRAGMA synchronous = NORMAL");
    exec_sql(sql);
    exec_sql("PRAGMA journal_mode = WAL");
    snprintf(sql, sizeof sql, "PRAGMA journal_size_limit = %lld", JOURNAL_SIZE_LIMIT);
    exec_sql(sql);
    sqlite3_stmt *st = prepare("PRAGMA user_version");
    int version = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        version = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    if (version < 3) {
        /* V3 added what a keeper reads and writes (terminal size, interactive, the pty stream). */
        snprintf(error, error_size, "%s has schema version %d; a keeper needs 3 or newer (start the daemon first)", path, version);
        sqlite3_close(W.db);
        W.db = NULL;
        return -1;
    }
    checkpointer_open(path);
    return 0;
}

struct spec {
    char **argv;
    int argc;
    char **env; /* KEY=VALUE */
    int envc;
    char *cwd;
    int slot;
    int cols, rows; /* 0: pipes */
    int interactive;
};

static void spec_free(struct spec *s) {
    for (int i = 0; i < s->argc; i++) {
        free(s->argv[i]);
    }
    free(s->argv);
    for (int i = 0; i < s->envc; i++) {
        free(s->env[i]);
    }
    free(s->env);
    free(s->cwd);
    memset(s, 0, sizeof *s);
}

/* The session's spec from its row (what SessionRows reads). Returns 0, 1 when there is no such row, -1 on error. */
static int load_spec(const char *id, struct spec *s) {
    memset(s, 0, sizeof *s);
    sqlite3_stmt *st = prepare("SELECT slot, working_dir, terminal_cols, terminal_rows, interactive FROM sessions WHERE id = ?");
    if (st == NULL) {
        return -1;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? 1 : -1;
    }
    s->slot = sqlite3_column_int(st, 0);
    s->cwd = xstrdup((const char *) sqlite3_column_text(st, 1));
    if (sqlite3_column_type(st, 2) != SQLITE_NULL && sqlite3_column_type(st, 3) != SQLITE_NULL) {
        s->cols = sqlite3_column_int(st, 2);
        s->rows = sqlite3_column_int(st, 3);
    }
    s->interactive = sqlite3_column_int(st, 4) != 0;
    sqlite3_finalize(st);

    st = prepare("SELECT value FROM json_each((SELECT command FROM sessions WHERE id = ?)) ORDER BY key");
    if (st == NULL) {
        return -1;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int cap = 8;
    s->argv = xmalloc(sizeof(char *) * (size_t) cap);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (s->argc + 1 >= cap) {
            cap *= 2;
            s->argv = xrealloc(s->argv, sizeof(char *) * (size_t) cap);
        }
        const char *v = (const char *) sqlite3_column_text(st, 0);
        s->argv[s->argc++] = xstrdup(v ? v : "");
    }
    s->argv[s->argc] = NULL;
    sqlite3_finalize(st);

    st = prepare("SELECT key, value FROM json_each((SELECT env FROM sessions WHERE id = ?))");
    if (st == NULL) {
        return -1;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    cap = 8;
    s->env = xmalloc(sizeof(char *) * (size_t) cap);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (s->envc + 1 >= cap) {
            cap *= 2;
            s->env = xrealloc(s->env, sizeof(char *) * (size_t) cap);
        }
        const char *k = (const char *) sqlite3_column_text(st, 0);
        const char *v = (const char *) sqlite3_column_text(st, 1);
        size_t n = strlen(k ? k : "") + strlen(v ? v : "") + 2;
        char *kv = xmalloc(n);
        snprintf(kv, n, "%s=%s", k ? k : "", v ? v : "");
        s->env[s->envc++] = kv;
    }
    s->env[s->envc] = NULL;
    sqlite3_finalize(st);
    return s->argc == 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- the agent's environment */

struct envlist {
    char **v;
    int n, cap;
};

static void env_set(struct envlist *e, const char *kv) {
    const char *eq = strchr(kv, '=');
    size_t klen = eq ? (size_t) (eq - kv) : strlen(kv);
    for (int i = 0; i < e->n; i++) {
        if (strncmp(e->v[i], kv, klen) == 0 && e->v[i][klen] == '=') {
            free(e->v[i]);
            e->v[i] = xstrdup(kv);
            return;
        }
    }
    if (e->n + 2 > e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->v = xrealloc(e->v, sizeof(char *) * (size_t) e->cap);
    }
    e->v[e->n++] = xstrdup(kv);
    e->v[e->n] = NULL;
}

static void env_remove(struct envlist *e, const char *key, size_t klen) {
    for (int i = 0; i < e->n; i++) {
        if (strncmp(e->v[i], key, klen) == 0 && e->v[i][klen] == '=') {
            free(e->v[i]);
            e->v[i] = e->v[--e->n];
            e->v[e->n] = NULL;
            return;
        }
    }
}

static int env_has(char **kvs, int n, const char *key) {
    size_t klen = strlen(key);
    for (int i = 0; i < n; i++) {
        if (strncmp(kvs[i], key, klen) == 0 && kvs[i][klen] == '=') {
            return 1;
        }
    }
    return 0;
}

static void env_free(struct envlist *e) {
    for (int i = 0; i < e->n; i++) {
        free(e->v[i]);
    }
    free(e->v);
    memset(e, 0, sizeof *e);
}

/*
 * KeeperMain.agentEnvironment + HarnessEnvironment.forAgent + Keeper.spawn: the keeper's own
 * environment without what the daemon set for the keeper only, then the spec's overrides, then
 * HARNESS_SESSION_ID and HARNESS_SLOT, and TERM=xterm-256color on a terminal unless the spec sets TERM.
 */
static void agent_environment(const char *id, const struct spec *s, struct envlist *e) {
    const char *only = getenv(KEEPER_ONLY_ENV);
    for (char **p = environ; *p != NULL; p++) {
        env_set(e, *p);
    }
    env_remove(e, KEEPER_ONLY_ENV, strlen(KEEPER_ONLY_ENV));
    if (only != NULL) {
        const char *k = only;
        while (*k) {
            const char *comma = strchr(k, ',');
            size_t n = comma ? (size_t) (comma - k) : strlen(k);
            if (n > 0) {
                env_remove(e, k, n);
            }
            k += n + (comma ? 1 : 0);
        }
    }
    for (int i = 0; i < s->envc; i++) {
        env_set(e, s->env[i]);
    }
    char kv[512];
    snprintf(kv, sizeof kv, "HARNESS_SESSION_ID=%s", id);
    env_set(e, kv);
    snprintf(kv, sizeof kv, "HARNESS_SLOT=%d", s->slot);
    env_set(e, kv);
    if (s->cols > 0 && !env_has(s->env, s->envc, "TERM")) {
        env_set(e, "TERM=xterm-256color");
    }
}

/* ---------------------------------------------------------------- the keeper */

struct sanitizer {
    unsigned char carry[3];
    size_t carried;
    int finished;
};

struct input {
    struct input *next;
    unsigned char *p;
    size_t len, done;
    int close; /* a CLOSE_STDIN frame: after the input before it */
};

struct keeper {
    const char *home;
    const char *id;
    char dir[PATH_MAX];
    char sock_path[PATH_MAX];
    char exit_path[PATH_MAX];
    int listen_fd;
    int conn_fd;
    struct buf in;  /* bytes read from the daemon, not yet a whole frame */
    struct buf out; /* frames not yet written to the daemon */
    int64_t detached_at;
    int sig_fd;
    int wake_fd;

    pid_t agent;
    int64_t agent_start;
    char spawn_error[1024];
    int tty;
    int out_fd[2]; /* stdout/stderr, or the terminal's master as [0] */
    int in_fd;     /* the agent's stdin pipe, or the master; -1 when closed */
    int master;
    int ended[2];
    int exited;
    int exit_code, exit_signal;
    int64_t exited_at;
    struct sanitizer san[2];
    unsigned char tail[TAIL_BYTES];
    size_t tail_len;
    unsigned char stderr_head[STDERR_HEAD_BYTES];
    size_t head_len;
    uint64_t arrivals, reported_arrivals;
    int64_t quiet_since;
    int64_t activity_due; /* 0: none due */
    struct input *inputs; /* stdin frames (and CLOSE_STDIN) the agent has not taken yet, oldest first */
    struct input *inputs_tail;
    int acked;
    int ever_connected;
    struct buf drained; /* the DRAINED payload, once every byte is committed and the record written */
    int finished;
};

static struct keeper K;

static int64_t proc_start_time(pid_t pid) {
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) {
        return -1;
    }
    text[n] = 0;
    char *p = strrchr(text, ')');
    if (p == NULL) {
        return -1;
    }
    p++;
    /* field 3 (state) is the first after ')'; starttime is field 22 */
    for (int field = 3; field < 22; field++) {
        p = strchr(p + 1, ' ');
        if (p == NULL) {
            return -1;
        }
    }
    return strtoll(p + 1, NULL, 10);
}

/* ---- frames to the daemon ---- */

static void frame(int type, const struct buf *payload) {
    if (K.conn_fd < 0) {
        return;
    }
    buf_u8(&K.out, (unsigned) type);
    buf_u32(&K.out, (uint32_t) (payload ? payload->len : 0));
    if (payload && payload->len) {
        buf_add(&K.out, payload->p, payload->len);
    }
}

static void drop_connection(int detach) {
    if (K.conn_fd < 0) {
        return;
    }
    close(K.conn_fd);
    K.conn_fd = -1;
    K.in.len = 0;
    K.out.len = 0;
    if (detach) {
        K.detached_at = wall_ms();
        logmsg("INFO", "daemon detached");
    }
}

static void flush_out(void) {
    while (K.conn_fd >= 0 && K.out.len > 0) {
        ssize_t n = write(K.conn_fd, K.out.p, K.out.len);
        if (n > 0) {
            buf_drop_front(&K.out, (size_t) n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            drop_connection(1);
            return;
        }
    }
}

/* Writes everything queued, waiting for the daemon to read (the last frames before the keeper ends). */
static void flush_out_fully(int64_t deadline) {
    while (K.conn_fd >= 0 && K.out.len > 0 && mono_ms() < deadline) {
        flush_out();
        if (K.conn_fd >= 0 && K.out.len > 0) {
            struct pollfd p = {K.conn_fd, POLLOUT, 0};
            poll(&p, 1, 100);
        }
    }
}

static void send_hello(void) {
    struct buf b = {0};
    buf_u32(&b, PROTOCOL_VERSION);
    buf_u64(&b, (uint64_t) getpid());
    buf_u64(&b, (uint64_t) proc_start_time(getpid()));
    buf_u32(&b, (uint32_t) (K.agent > 0 ? K.agent : -1));
    buf_u64(&b, (uint64_t) K.agent_start);
    buf_u64(&b, (uint64_t) K.detached_at);
    write_java_utf(&b, (const unsigned char *) K.spawn_error, strlen(K.spawn_error), 20000);
    frame(F_HELLO, &b);
    buf_free(&b);
}

static void send_exited(void) {
    struct buf b = {0};
    buf_u32(&b, (uint32_t) K.exit_code);
    buf_u32(&b, (uint32_t) K.exit_signal);
    buf_u8(&b, 1); /* exact: the keeper reaped it itself */
    frame(F_EXITED, &b);
    buf_free(&b);
}

/* OutputPump.stderrHead(): the start of stderr, cut at a character boundary, as a Java String would hold it. */
static void stderr_head(struct buf *out) {
    size_t whole = K.head_len - incomplete_tail(K.stderr_head, K.head_len);
    to_valid_utf8(K.stderr_head, whole, out);
}

static void send_activity(void) {
    size_t start = 0;
    while (start < K.tail_len && is_continuation(K.tail[start])) {
        start++;
    }
    struct buf b = {0};
    to_valid_utf8(K.tail + start, K.tail_len - start, &b);
    frame(F_ACTIVITY, &b);
    buf_free(&b);
}

/* ---- output ---- */

static void tail_append(const unsigned char *p, size_t n) {
    if (n >= TAIL_BYTES) {
        memcpy(K.tail, p + n - TAIL_BYTES, TAIL_BYTES);
        K.tail_len = TAIL_BYTES;
        return;
    }
    size_t keep = K.tail_len < TAIL_BYTES - n ? K.tail_len : TAIL_BYTES - n;
    memmove(K.tail, K.tail + K.tail_len - keep, keep);
    memcpy(K.tail + keep, p, n);
    K.tail_len = keep + n;
}

/* OutputPump.emit: the watchdog's view (arrivals, tail, stderr head), then the writer's queue. */
static void emit(int stream, const unsigned char *piece, size_t length, size_t raw) {
    if (raw > 0) {
        K.arrivals++;
        K.quiet_since = mono_ms();
        if (K.activity_due == 0) {
            K.activity_due = mono_ms() + ACTIVITY_EVERY_MS;
        }
    }
    if (length == 0) {
        return;
    }
    tail_append(piece, length);
    if (stream == S_STDERR && K.head_len < STDERR_HEAD_BYTES) {
        size_t n = STDERR_HEAD_BYTES - K.head_len < length ? STDERR_HEAD_BYTES - K.head_len : length;
        memcpy(K.stderr_head + K.head_len, piece, n);
        K.head_len += n;
    }
    writer_enqueue(stream, piece, length, raw > length ? raw : length, wall_ms());
}

static int index_of(int stream) {
    return stream == S_STDERR ? 1 : 0;
}

/* Utf8StreamSanitizer.accept: a character cut by the read waits for the next one. */
static void on_bytes(int stream, const unsigned char *data, size_t n) {
    struct sanitizer *s = &K.san[index_of(stream)];
    if (s->finished) {
        return;
    }
    if (s->carried == 0) {
        /* The usual case: nothing carried over, so no copy into the work buffer. */
        size_t complete = n - incomplete_tail(data, n);
        s->carried = n - complete;
        memcpy(s->carry, data + complete, s->carried);
        emit(stream, data, complete, n);
        return;
    }
    static unsigned char work[READ_BYTES + 3];
    size_t total = s->carried + n;
    memcpy(work, s->carry, s->carried);
    memcpy(work + s->carried, data, n);
    size_t complete = total - incomplete_tail(work, total);
    s->carried = total - complete;
    memcpy(s->carry, work + complete, s->carried);
    emit(stream, work, complete, n);
}

static void on_end(int stream) {
    struct sanitizer *s = &K.san[index_of(stream)];
    if (s->finished) {
        return;
    }
    s->finished = 1;
    if (s->carried > 0) {
        emit(stream, s->carry, s->carried, 0);
        s->carried = 0;
    }
}

static int stream_of(int index) {
    return K.tty ? S_PTY : (index == 0 ? S_STDOUT : S_STDERR);
}

static void close_output(int index) {
    if (K.out_fd[index] >= 0) {
        if (!(K.tty && K.in_fd == K.out_fd[index])) {
            close(K.out_fd[index]);
        }
        K.out_fd[index] = -1;
    }
    if (!K.ended[index]) {
        K.ended[index] = 1;
        on_end(stream_of(index));
    }
}

static void read_output(int index) {
    static unsigned char data[READ_BYTES];
    ssize_t n = read(K.out_fd[index], data, sizeof data);
    if (n > 0) {
        on_bytes(stream_of(index), data, (size_t) n); /* writer_enqueue cuts it into chunks */
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK)) {
        /* end of file; on a terminal EIO: every holder of its slave side has gone */
        close_output(index);
    }
}

/* ---- stdin ---- */

static void close_stdin_now(void) {
    if (K.tty) {
        static const unsigned char eof = 4; /* Ctrl-D: the terminal's VEOF in canonical mode */
        if (K.in_fd >= 0 && write(K.in_fd, &eof, 1) < 0) {
            logmsg("INFO", "stdin: the terminal is closed: %s", strerror(errno));
        }
        return;
    }
    if (K.in_fd >= 0) {
        close(K.in_fd);
        K.in_fd = -1;
    }
}

/* The oldest input is taken (or dropped): the daemon may send the next (protocol 2). */
static void input_done(void) {
    struct input *i = K.inputs;
    K.inputs = i->next;
    if (K.inputs == NULL) {
        K.inputs_tail = NULL;
    }
    if (!i->close) {
        frame(F_INPUT_TAKEN, NULL);
    }
    free(i->p);
    free(i);
}

static void write_input(void) {
    while (K.inputs != NULL) {
        struct input *i = K.inputs;
        if (i->close) {
            close_stdin_now();
            input_done();
            continue;
        }
        if (K.in_fd < 0 || K.exited) {
            logmsg("INFO", "stdin: %s", K.exited ? "the agent has ended" : "stdin is closed");
            input_done();
            continue;
        }
        ssize_t n = i->len > i->done ? write(K.in_fd, i->p + i->done, i->len - i->done) : 0;
        if (n > 0) {
            i->done += (size_t) n;
            if (i->done == i->len) {
                input_done();
            }
        } else if (i->len == i->done) {
            input_done();
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            logmsg("INFO", "stdin: %s", strerror(errno));
            input_done();
        }
    }
}

static int input_waiting(void) {
    return K.inputs != NULL;
}

static void queue_input(const unsigned char *p, size_t n, int close) {
    struct input *i = xmalloc(sizeof *i);
    i->next = NULL;
    i->p = xmalloc(n);
    if (n > 0) {
        memcpy(i->p, p, n);
    }
    i->len = n;
    i->done = 0;
    i->close = close;
    if (K.inputs_tail) {
        K.inputs_tail->next = i;
    } else {
        K.inputs = i;
    }
    K.inputs_tail = i;
    write_input();
}

/* ---- signals (KeeperProtocol.SIGNAL) ---- */

/* Whether a process that started no earlier than the agent is still in its group (/proc/PID/stat: pgrp
 * is field 5, starttime field 22). The group id cannot be reused while such a member lives. */
static int group_has_members(pid_t pgid, int64_t not_before) {
    DIR *d = opendir("/proc");
    if (d == NULL) {
        return 1; /* cannot tell: kill(2) will say */
    }
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') {
            continue;
        }
        char path[300], text[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        ssize_t n = read(fd, text, sizeof text - 1);
        close(fd);
        if (n <= 0) {
            continue;
        }
        text[n] = 0;
        char *q = strrchr(text, ')');
        if (q == NULL || q[1] == 0 || q[2] == 'Z' || q[2] == 'X') {
            continue;
        }
        long long pgrp = -1, start = -1;
        char *f = q + 1;
        for (int field = 3; field <= 22 && f != NULL; field++) {
            f = strchr(f + 1, ' ');
            if (f != NULL && field + 1 == 5) {
                pgrp = strtoll(f + 1, NULL, 10);
            }
            if (f != NULL && field + 1 == 22) {
                start = strtoll(f + 1, NULL, 10);
            }
        }
        found = pgrp == (long long) pgid && start >= not_before;
    }
    closedir(d);
    return found;
}

/* A SIGNAL frame: the agent's group gets it. Until the agent is reaped its pid, and so its group id, is
 * ours; after that only while the group has members that started no earlier than the agent. Only the
 * signals the daemon sends (TERM, KILL, STOP, CONT) are sent. Returns whether anything received it. */
static int signal_group(int sig) {
    if (sig != SIGTERM && sig != SIGKILL && sig != SIGSTOP && sig != SIGCONT) {
        logmsg("WARN", "signal %d refused", sig);
        return 0;
    }
    const char *name = sigabbrev_np(sig);
    if (K.agent <= 0) {
        return 0;
    }
    if (K.exited && !group_has_members(K.agent, K.agent_start)) {
        logmsg("INFO", "SIG%s: nothing left in the agent's group", name);
        return 0;
    }
    logmsg("INFO", "SIG%s to the agent's group", name);
    if (kill(-K.agent, sig) != 0) {
        if (errno != ESRCH) {
            logmsg("WARN", "kill(-%d, %d) failed: %s", (int) K.agent, sig, strerror(errno));
        }
        return 0;
    }
    return 1;
}

/* ---- frames from the daemon ---- */

static void handle_frame(int type, const unsigned char *p, uint32_t n) {
    switch (type) {
        case F_STDIN:
            K.tail_len = 0; /* whatever prompt it showed has its answer now */
            if (K.agent <= 0) {
                frame(F_INPUT_TAKEN, NULL); /* nobody to take it: not waited for */
                break;
            }
            /* In order, one at a time, each acknowledged once the agent took it (INPUT_TAKEN): the daemon
             * sends the next request only then (issue 16's bound on queued input), while frames keep
             * being read, so that signals and resizes never wait behind input a deaf agent does not take. */
            queue_input(p, n, 0);
            break;
        case F_CLOSE_STDIN:
            if (K.agent > 0) {
                queue_input(NULL, 0, 1);
            }
            break;
        case F_RESIZE:
            if (n >= 8 && K.agent > 0 && K.tty && K.master >= 0) {
                struct winsize ws = {0};
                ws.ws_col = (unsigned short) be32(p);
                ws.ws_row = (unsigned short) be32(p + 4);
                if (ioctl(K.master, TIOCSWINSZ, &ws) != 0) {
                    logmsg("INFO", "resize: %s", strerror(errno));
                }
            }
            break;
        case F_ACK_EXIT:
            K.acked = 1;
            break;
        case F_SIGNAL: {
            struct buf b = {0};
            buf_u8(&b, (unsigned) signal_group(n >= 4 ? (int) be32(p) : -1));
            frame(F_SIGNALLED, &b); /* one answer per SIGNAL, in order: the daemon waits for it */
            buf_free(&b);
            break;
        }
        default:
            logmsg("WARN", "unknown frame type %d ignored", type);
    }
}

static void process_frames(void) {
    while (K.conn_fd >= 0 && K.in.len >= 5) {
        int type = K.in.p[0];
        uint32_t len = be32(K.in.p + 1);
        if (len > MAX_FRAME) {
            logmsg("WARN", "bad keeper frame length %u", len);
            drop_connection(1);
            return;
        }
        if (K.in.len < 5 + (size_t) len) {
            return;
        }
        handle_frame(type, K.in.p + 5, len);
        buf_drop_front(&K.in, 5 + (size_t) len);
    }
}

static void read_connection(void) {
    buf_reserve(&K.in, 65536);
    ssize_t n = read(K.conn_fd, K.in.p + K.in.len, K.in.cap - K.in.len);
    if (n > 0) {
        K.in.len += (size_t) n;
        process_frames();
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK)) {
        drop_connection(1);
    }
}

static void accept_connection(void) {
    int fd = accept4(K.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        return;
    }
    if (K.conn_fd >= 0) {
        drop_connection(0); /* a newer daemon takes over; the old one is gone or going */
    }
    K.conn_fd = fd;
    K.ever_connected = 1;
    send_hello();
    if (K.exited) {
        send_exited();
    }
    if (K.finished) {
        frame(F_DRAINED, &K.drained); /* a daemon that connects after the end learns all of it at once */
    }
    flush_out();
}

/* ---- spawning ---- */

/* The child's report, through a close-on-exec pipe: nothing when the exec worked. */
struct child_error {
    int stage; /* 1: chdir, 2: exec */
    int err;
};

static void child_fail(int fd, int stage) {
    struct child_error e = {stage, errno};
    if (write(fd, &e, sizeof e) < 0) {
        /* the parent then sees only end of file and an exit code of 127 */
    }
    _exit(127);
}

/* In the child, after fork: the launch semantics of AgentLauncher (SIGPIPE restored), cwd, env, exec. */
static void child_exec(int err_fd, const struct spec *s, char **envp) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, NULL);
    sigaction(SIGCHLD, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (chdir(s->cwd) != 0) {
        child_fail(err_fd, 1);
    }
    environ = envp;
    execvp(s->argv[0], s->argv);
    child_fail(err_fd, 2);
}

static void set_nonblocking(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void spawn(const struct spec *s) {
    struct envlist env = {0};
    agent_environment(K.id, s, &env);
    int err_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
        snprintf(K.spawn_error, sizeof K.spawn_error, "could not spawn %s: %s", s->argv[0], strerror(errno));
        env_free(&env);
        return;
    }
    pid_t pid;
    int io[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
    if (s->cols > 0) {
        struct winsize ws = {0};
        ws.ws_col = (unsigned short) s->cols;
        ws.ws_row = (unsigned short) s->rows;
        int master = -1;
        /* forkpty: a new session whose controlling terminal is the slave, with its size from the first instruction. */
        pid = forkpty(&master, NULL, NULL, &ws);
        if (pid == 0) {
            close(err_pipe[0]);
            child_exec(err_pipe[1], s, env.v);
        }
        if (pid > 0) {
            K.tty = 1;
            K.master = master;
            fcntl(master, F_SETFD, FD_CLOEXEC);
            set_nonblocking(master);
            K.out_fd[0] = master;
            K.in_fd = master;
            K.ended[1] = 1; /* one stream only */
            K.san[1].finished = 1;
        }
    } else {
        for (int i = 0; i < 3; i++) {
            if (pipe2(io[i], O_CLOEXEC) != 0) {
                snprintf(K.spawn_error, sizeof K.spawn_error, "could not spawn %s: %s", s->argv[0], strerror(errno));
                for (int j = 0; j < i; j++) {
                    close(io[j][0]);
                    close(io[j][1]);
                }
                close(err_pipe[0]);
                close(err_pipe[1]);
                env_free(&env);
                return;
            }
        }
        pid = fork();
        if (pid == 0) {
            close(err_pipe[0]);
            /* its own session and process group (setsid), so one signal reaches all it starts and nothing reaches us */
            setsid();
            dup2(io[0][0], 0);
            dup2(io[1][1], 1);
            dup2(io[2][1], 2);
            child_exec(err_pipe[1], s, env.v);
        }
        close(io[0][0]);
        close(io[1][1]);
        close(io[2][1]);
        if (pid > 0) {
            K.out_fd[0] = io[1][0];
            K.out_fd[1] = io[2][0];
            K.in_fd = io[0][1];
            set_nonblocking(K.out_fd[0]);
            set_nonblocking(K.out_fd[1]);
            /* A flooding agent fills a 64 KiB pipe in one write and then waits for every read: a
               larger pipe lets it run on while the keeper reads more per wake-up (perf: about a
               sixth of a flooding keeper's time went to switching tasks). Best effort: the
               system's pipe-max-size may refuse it. */
            fcntl(K.out_fd[0], F_SETPIPE_SZ, PIPE_BYTES);
            fcntl(K.out_fd[1], F_SETPIPE_SZ, PIPE_BYTES);
            set_nonblocking(K.in_fd);
            if (!s->interactive) {
                close(K.in_fd); /* it reads end of file at once */
                K.in_fd = -1;
            }
        } else {
            close(io[0][1]);
            close(io[1][0]);
            close(io[2][0]);
        }
    }
    close(err_pipe[1]);
    env_free(&env);
    if (pid < 0) {
        snprintf(K.spawn_error, sizeof K.spawn_error, "could not spawn %s: %s", s->argv[0], strerror(errno));
        close(err_pipe[0]);
        return;
    }
    struct child_error e;
    ssize_t n;
    do {
        n = read(err_pipe[0], &e, sizeof e);
    } while (n < 0 && errno == EINTR);
    close(err_pipe[0]);
    if (n == (ssize_t) sizeof e) {
        /* The exec failed: one line, worded as the daemon's pre-flight (LaunchPreflight) and the JVM's
         * launch-failure classifier (SpawnFailureClassifier) word it, and no agent. */
        if (e.stage == 1 && (e.err == ENOENT || e.err == ENOTDIR)) {
            snprintf(K.spawn_error, sizeof K.spawn_error, "not a directory: %s", s->cwd);
        } else if (e.stage == 1 && e.err == EACCES) {
            snprintf(K.spawn_error, sizeof K.spawn_error, "permission denied: %s", s->cwd);
        } else if (e.stage == 1) {
            snprintf(K.spawn_error, sizeof K.spawn_error, "could not spawn %s: cannot enter %s: %s", s->argv[0], s->cwd,
                     strerror(e.err));
        } else if (e.err == ENOENT) {
            snprintf(K.spawn_error, sizeof K.spawn_error, "no such executable: %s", s->argv[0]);
        } else if (e.err == EACCES || e.err == EPERM) {
            snprintf(K.spawn_error, sizeof K.spawn_error, "permission denied: %s", s->argv[0]);
        } else {
            snprintf(K.spawn_error, sizeof K.spawn_error, "could not execute %s: %s", s->argv[0], strerror(e.err));
        }
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
        for (int i = 0; i < 2; i++) {
            if (K.out_fd[i] >= 0 && K.out_fd[i] != K.in_fd) {
                close(K.out_fd[i]);
            }
            K.out_fd[i] = -1;
        }
        if (K.in_fd >= 0) {
            close(K.in_fd);
        }
        K.in_fd = -1;
        K.master = -1;
        return;
    }
    K.agent = pid;
    K.agent_start = proc_start_time(pid); /* after exec: setsid is done, the identity is the agent's */
}

static void reap(void) {
    struct signalfd_siginfo si;
    while (read(K.sig_fd, &si, sizeof si) > 0) {
    }
    if (K.agent <= 0 || K.exited) {
        return;
    }
    int st;
    pid_t r = waitpid(K.agent, &st, WNOHANG);
    if (r == K.agent) {
        K.exited = 1;
        K.exited_at = mono_ms();
        K.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        K.exit_signal = WIFSIGNALED(st) ? WTERMSIG(st) : -1;
        send_exited();
        write_input(); /* nothing waits for an agent that is gone: what is queued is dropped, and acknowledged */
    }
}

/* ---- the exit record (ExitRecord.writeDurably) ---- */

static void base64(const unsigned char *in, size_t n, struct buf *out) {
    static const char *T = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t) in[i] << 16;
        if (i + 1 < n) {
            v |= (uint32_t) in[i + 1] << 8;
        }
        if (i + 2 < n) {
            v |= in[i + 2];
        }
        char q[4] = {T[(v >> 18) & 63], T[(v >> 12) & 63], i + 1 < n ? T[(v >> 6) & 63] : '=', i + 2 < n ? T[v & 63] : '='};
        buf_add(out, q, 4);
    }
}

/* A java.util.Properties value: '=' (base64's padding) escaped as Properties.store escapes it. */
static void property(struct buf *out, const char *key, const unsigned char *value, size_t n) {
    buf_add(out, key, strlen(key));
    buf_u8(out, '=');
    for (size_t i = 0; i < n; i++) {
        if (value[i] == '=' || value[i] == ':' || value[i] == '#' || value[i] == '!') {
            buf_u8(out, '\\');
        }
        buf_u8(out, value[i]);
    }
    buf_u8(out, '\n');
}

static int write_record_once(const struct buf *text) {
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", K.exit_path);
    unlink(tmp);
    int fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -1;
    }
    size_t done = 0;
    while (done < text->len) {
        ssize_t n = write(fd, text->p + done, text->len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            int saved = errno;
            close(fd);
            unlink(tmp);
            errno = saved;
            return -1;
        }
        done += (size_t) n;
    }
    if (fsync(fd) != 0) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    close(fd);
    if (rename(tmp, K.exit_path) != 0) {
        return -1;
    }
    int dir = open(K.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        fsync(dir); /* some file systems refuse; the rename is atomic either way */
        close(dir);
    }
    return 0;
}

static void poll_once(int timeout);

/*
 * Waits about ms while serving the socket, so that a daemon that connects meanwhile is greeted and
 * told of the exit. The keeper's end (the writer's last commits, the exit record) waits out a full
 * disk; the daemon that had just connected to it then waited for a greeting that never came, and its
 * `harness start` hung until there was room again (BadInputTortureIT.aHomeOnAFullFileSystem, in CI).
 */
static void serve_for(long ms) {
    int64_t until = mono_ms() + ms;
    for (int64_t left = ms; left > 0; left = until - mono_ms()) {
        poll_once((int) left);
        flush_out();
    }
}

/* writer_close, serving the socket while the writer stores what is queued. */
static void writer_close_serving(void) {
    if (!W.started) {
        return;
    }
    while (!writer_stop_asked()) {
        serve_for(50);
    }
    writer_close();
}

static void write_record_eventually(void) {
    struct buf text = {0}, b = {0}, head = {0};
    char when[32], line[64];
    format_instant(wall_ms(), when);
    buf_add(&text, "#", 1);
    buf_add(&text, when, strlen(when));
    buf_u8(&text, '\n');
    if (K.agent > 0) {
        if (K.exit_code >= 0) {
            snprintf(line, sizeof line, "%d", K.exit_code);
            property(&text, "code", (const unsigned char *) line, strlen(line));
        }
        if (K.exit_signal >= 0) {
            snprintf(line, sizeof line, "%d", K.exit_signal);
            property(&text, "signal", (const unsigned char *) line, strlen(line));
        }
        property(&text, "exact", (const unsigned char *) "true", 4);
    }
    stderr_head(&head);
    base64(head.p, head.len, &b);
    property(&text, "stderrHead", b.p, b.len);
    if (K.spawn_error[0]) {
        b.len = 0;
        base64((const unsigned char *) K.spawn_error, strlen(K.spawn_error), &b);
        property(&text, "spawnError", b.p, b.len);
    }
    for (int attempt = 0;; attempt++) {
        if (write_record_once(&text) == 0) {
            break;
        }
        struct stat st;
        if (stat(K.dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            logmsg("ERROR", "the home is gone; the exit cannot be recorded: %s", strerror(errno));
            break;
        }
        if (attempt % 50 == 0) {
            logmsg("WARN", "cannot write the exit record yet (%s); retrying", strerror(errno));
        }
        serve_for(200);
    }
    buf_free(&text);
    buf_free(&b);
    buf_free(&head);
}

/* ---- the socket ---- */

static int listen_on(const char *path) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    unlink(path);
    mode_t old = umask(0077); /* 0600 from the start, not only after the chmod below */
    int rc = bind(fd, (struct sockaddr *) &addr, sizeof addr);
    umask(old);
    /* listen at once: a daemon that sees the file may connect (the umask made it owner-only already) */
    if (rc != 0 || listen(fd, 16) != 0 || chmod(path, 0600) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static int ensure_directory(const char *dir) {
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        return -1;
    }
    return 0;
}

/* ---- the loop ---- */

enum { P_LISTEN, P_CONN, P_OUT0, P_OUT1, P_IN, P_SIG, P_WAKE, P_COUNT };

static void poll_once(int timeout) {
    struct pollfd p[P_COUNT];
    for (int i = 0; i < P_COUNT; i++) {
        p[i].fd = -1;
        p[i].events = 0;
        p[i].revents = 0;
    }
    p[P_LISTEN].fd = K.listen_fd;
    p[P_LISTEN].events = POLLIN;
    if (K.conn_fd >= 0) {
        p[P_CONN].fd = K.conn_fd;
        p[P_CONN].events = POLLIN | (K.out.len ? POLLOUT : 0);
    }
    int paused = writer_outstanding() > SESSION_BUFFER_BYTES;
    for (int i = 0; i < 2; i++) {
        if (K.out_fd[i] >= 0 && !paused) {
            p[P_OUT0 + i].fd = K.out_fd[i];
            p[P_OUT0 + i].events = POLLIN;
        }
    }
    if (input_waiting() && K.in_fd >= 0) {
        p[P_IN].fd = K.in_fd;
        p[P_IN].events = POLLOUT;
    }
    p[P_SIG].fd = K.sig_fd;
    p[P_SIG].events = POLLIN;
    p[P_WAKE].fd = K.wake_fd;
    p[P_WAKE].events = POLLIN;
    if (paused && timeout < 0) {
        timeout = 100;
    }
    int n = poll(p, P_COUNT, timeout);
    if (n <= 0) {
        return;
    }
    if (p[P_WAKE].revents) {
        uint64_t v[64];
        if (read(K.wake_fd, v, sizeof v) < 0) {
            /* counted again next time */
        }
        pthread_mutex_lock(&W.mu);
        int committed = W.committed;
        W.committed = 0;
        pthread_mutex_unlock(&W.mu);
        /* Commits since the last notice become one frame; a daemon that does not read gets no more
           than the soft limit queued (it reads the store from its cursor anyway). */
        if (committed && K.conn_fd >= 0 && K.out.len < OUT_SOFT_LIMIT) {
            frame(F_COMMITTED, NULL);
            flush_out();
        }
    }
    if (p[P_SIG].revents) {
        reap();
    }
    for (int i = 0; i < 2; i++) {
        if (p[P_OUT0 + i].revents && K.out_fd[i] >= 0) {
            read_output(i);
        }
    }
    if (p[P_IN].revents) {
        write_input();
    }
    if (p[P_CONN].revents && K.conn_fd >= 0) {
        if (p[P_CONN].revents & POLLOUT) {
            flush_out();
        }
        if (K.conn_fd >= 0 && (p[P_CONN].revents & (POLLIN | POLLHUP | POLLERR))) {
            read_connection();
        }
    }
    if (p[P_LISTEN].revents) {
        accept_connection();
    }
}

static void tick_activity(void) {
    if (K.activity_due != 0 && mono_ms() >= K.activity_due) {
        K.activity_due = 0;
        if (K.arrivals != K.reported_arrivals) {
            K.reported_arrivals = K.arrivals;
            if (K.out.len < OUT_SOFT_LIMIT) {
                send_activity();
            }
        }
    }
    flush_out();
}

static int timeout_now(void) {
    int64_t t = -1;
    if (K.activity_due) {
        t = K.activity_due - mono_ms();
        if (t < 0) {
            t = 0;
        }
    }
    if (K.exited && (t < 0 || t > 20)) {
        t = 20; /* draining: look at the quiet time */
    }
    return (int) t;
}

/* Both streams at end of file, or, after the exit, no output for a while (a grandchild holds the pipes). */
static int drained(void) {
    if (K.ended[0] && K.ended[1]) {
        return 1;
    }
    if (!K.exited) {
        return 0;
    }
    int64_t since = K.quiet_since > K.exited_at ? K.quiet_since : K.exited_at;
    if (writer_outstanding() > 0) {
        K.quiet_since = mono_ms();
        return 0;
    }
    if (mono_ms() - since > PIPE_HOLDER_CAP_MS) {
        logmsg("INFO", "output pipes still held open after the exit; ending without them");
        return 1;
    }
    return 0;
}

static int run_keeper(const struct spec *s) {
    if (!path3(K.sock_path, sizeof K.sock_path, K.dir, "/", K.id) || !path3(K.exit_path, sizeof K.exit_path, K.sock_path, "", "")) {
        fprintf(stderr, "harness-keeper: %s: %s\n", K.dir, strerror(errno));
        return 1;
    }
    size_t base = strlen(K.sock_path);
    if (base + 6 > sizeof K.sock_path) {
        fprintf(stderr, "harness-keeper: %s: %s\n", K.dir, strerror(ENAMETOOLONG));
        return 1;
    }
    memcpy(K.sock_path + base, ".sock", 6);
    memcpy(K.exit_path + base, ".exit", 6);
    if (ensure_directory(K.dir) != 0) {
        fprintf(stderr, "harness-keeper: cannot create %s: %s\n", K.dir, strerror(errno));
        return 1;
    }
    K.listen_fd = listen_on(K.sock_path);
    if (K.listen_fd < 0) {
        fprintf(stderr, "harness-keeper: cannot listen on %s: %s\n", K.sock_path, strerror(errno));
        return 1;
    }
    spawn(s);
    if (K.spawn_error[0]) {
        logmsg("WARN", "%s", K.spawn_error);
    }
    /* The writer starts after the fork, so that the child is forked from a process of one thread. */
    if (pthread_create(&W.thread, NULL, writer_run, NULL) != 0) {
        fprintf(stderr, "harness-keeper: cannot start the writer thread\n");
        return 1;
    }
    W.started = 1;
    checkpointer_start();
    K.quiet_since = mono_ms();

    if (K.agent > 0) {
        while (!(K.exited && drained())) {
            poll_once(timeout_now());
            tick_activity();
        }
    }
    for (int i = 0; i < 2; i++) {
        close_output(i); /* OutputPump.close: the sanitizers' last bytes, nothing after */
    }
    if (K.in_fd >= 0) {
        close(K.in_fd);
        K.in_fd = -1;
    }
    K.master = -1;
    writer_close_serving();
    write_record_eventually();

    struct buf head = {0};
    stderr_head(&head);
    write_java_utf(&K.drained, head.p, head.len, 1000);
    K.finished = 1;
    if (W.committed) {
        W.committed = 0; /* the last commits, made while the writer closed: told before the end */
        frame(F_COMMITTED, NULL);
    }
    frame(F_DRAINED, &K.drained);
    flush_out();
    /*
     * The keeper goes once a daemon acknowledged the end, or at once when its daemon has gone. A
     * keeper that never had a daemon (its agent ended before the daemon that started it connected,
     * or could not be spawned) waits for that daemon, which is on its way: leaving would look to it
     * like a keeper that never started.
     */
    int64_t deadline = mono_ms() + ACK_WAIT_MS;
    while (!K.acked && mono_ms() < deadline && (K.conn_fd >= 0 || !K.ever_connected)) {
        poll_once(100);
        flush_out();
    }
    flush_out_fully(mono_ms() + 1000);
    buf_free(&head);
    close(K.listen_fd);
    unlink(K.sock_path);
    drop_connection(0);
    if (K.agent > 0) {
        logmsg("INFO", "keeper of session %s done (%s %d)", K.id, K.exit_signal >= 0 ? "killed by signal" : "exited with code",
               K.exit_signal >= 0 ? K.exit_signal : K.exit_code);
    } else {
        logmsg("INFO", "keeper of session %s done (never spawned)", K.id);
    }
    return 0;
}

/* ---- the spare ---- */

/* Reads DataInput.readUTF's payload as a C string (session ids are ASCII). */
static char *read_java_utf(const unsigned char *p, size_t n) {
    if (n < 2) {
        return NULL;
    }
    size_t len = ((size_t) p[0] << 8) | p[1];
    if (len > n - 2) {
        return NULL;
    }
    char *s = xmalloc(len + 1);
    memcpy(s, p + 2, len);
    s[len] = 0;
    return s;
}

static int parent_gone(pid_t parent) {
    return getppid() != parent;
}

/*
 * KeeperMain.awaitAdoption: a spare listens on keepers/spare-PID.sock until its daemon sends ADOPT
 * with a session id (or an empty one: go away); it leaves when its daemon dies first. Returns the id,
 * or NULL to leave.
 */
static char *await_adoption(void) {
    char path[PATH_MAX];
    char name[64];
    snprintf(name, sizeof name, "/spare-%d.sock", (int) getpid());
    if (!path3(path, sizeof path, K.dir, name, "")) {
        fprintf(stderr, "harness-keeper: %s: %s\n", K.dir, strerror(errno));
        return NULL;
    }
    pid_t parent = getppid();
    if (ensure_directory(K.dir) != 0) {
        fprintf(stderr, "harness-keeper: cannot create %s: %s\n", K.dir, strerror(errno));
        return NULL;
    }
    int pidfd = (int) syscall(SYS_pidfd_open, parent, 0);
    if (parent_gone(parent)) {
        if (pidfd >= 0) {
            close(pidfd);
        }
        return NULL;
    }
    int fd = listen_on(path);
    if (fd < 0) {
        fprintf(stderr, "harness-keeper: cannot listen on %s: %s\n", path, strerror(errno));
        if (pidfd >= 0) {
            close(pidfd);
        }
        return NULL;
    }
    char *id = NULL;
    while (id == NULL) {
        struct pollfd p[2] = {{fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
        int n = poll(p, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 250);
        if ((n > 0 && pidfd >= 0 && p[1].revents) || parent_gone(parent)) {
            break; /* a spare whose daemon is gone will never be adopted */
        }
        if (n <= 0 || !p[0].revents) {
            continue;
        }
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            continue;
        }
        struct timeval tv = {5, 0};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        unsigned char b[5 + 4096];
        size_t have = 0;
        size_t want = 5;
        while (have < want) {
            ssize_t r = read(c, b + have, want - have);
            if (r <= 0) {
                if (r < 0 && errno == EINTR) {
                    continue;
                }
                break;
            }
            have += (size_t) r;
            if (have == 5 && want == 5) {
                uint32_t len = be32(b + 1);
                want = 5 + (len < 4096 ? len : 4096);
            }
        }
        close(c);
        if (have >= 5 && have == want && b[0] == F_ADOPT) {
            id = read_java_utf(b + 5, have - 5);
            if (id == NULL) {
                continue; /* not a daemon's adoption: keep waiting */
            }
        }
    }
    close(fd);
    unlink(path);
    if (pidfd >= 0) {
        close(pidfd);
    }
    return id;
}

/*
 * Whether HOME is still the directory this keeper was started in (the daemon starts keepers with the
 * home as their working directory): a home deleted under a running harness, or deleted and made anew
 * by someone else, gets no files from a keeper (no database, no keepers/, no socket). NULL when it is;
 * otherwise why not, in words.
 */
static const char *home_problem(const char *home) {
    struct stat cwd, h;
    if (stat(".", &cwd) != 0 || cwd.st_nlink == 0) {
        return "was deleted";
    }
    if (lstat(home, &h) != 0) {
        return "was deleted";
    }
    if (S_ISLNK(h.st_mode)) {
        return "is now a symbolic link";
    }
    if (cwd.st_dev != h.st_dev || cwd.st_ino != h.st_ino) {
        return "was replaced (it is not the directory this keeper was started in)";
    }
    return NULL;
}

static int check_home(const char *home) {
    const char *problem = home_problem(home);
    if (problem != NULL) {
        fprintf(stderr, "harness-keeper: the harness home %s %s; leaving it untouched\n", home, problem);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "harness-keeper: usage: harness-keeper HOME SESSION_ID|--spare\n");
        return 2;
    }
    memset(&K, 0, sizeof K);
    K.home = argv[1];
    K.listen_fd = K.conn_fd = K.in_fd = K.master = -1;
    K.out_fd[0] = K.out_fd[1] = -1;
    K.agent_start = -1;
    K.exit_code = K.exit_signal = -1;
    snprintf(K.dir, sizeof K.dir, "%s/keepers", K.home);
    signal(SIGPIPE, SIG_IGN);
    /* A flood allocates and frees a 64 KiB chunk per page it writes. With glibc's defaults the
       heap's top is given back and taken again around every batch (brk, page faults, zeroed
       pages): a few percent of the keeper's CPU. Keep what was once taken, up to the budget. */
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);

    if (check_home(K.home) != 0) {
        return 1;
    }
    char error[PATH_MAX + 256];
    if (open_database(K.home, error, sizeof error) != 0) {
        fprintf(stderr, "harness-keeper: %s\n", error);
        return 1;
    }
    char *adopted = NULL;
    const char *id = argv[2];
    if (strcmp(id, "--spare") == 0) {
        adopted = await_adoption();
        id = adopted;
    }
    if (id == NULL || id[0] == 0) {
        /* A spare told to go (its daemon shuts down) closes the database on the way out. */
        free(adopted);
        sqlite3_close(W.db);
        return 0;
    }
    if (adopted != NULL && check_home(K.home) != 0) {
        /* waited long enough for its home to go: a spare makes nothing in what is there now */
        free(adopted);
        sqlite3_close(W.db);
        return 1;
    }
    K.id = id;
    W.session = id;
    struct spec s;
    int found = load_spec(id, &s);
    if (found != 0) {
        if (found > 0) {
            fprintf(stderr, "harness-keeper: no session %s\n", id);
        } else {
            fprintf(stderr, "harness-keeper: cannot read session %s: %s\n", id, sqlite3_errmsg(W.db));
        }
        spec_free(&s);
        free(adopted);
        sqlite3_close(W.db);
        return 1;
    }

    /* SIGCHLD arrives as a readable descriptor; blocked before any thread exists, so only this one sees it. */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    K.sig_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    int wake[2];
    if (K.sig_fd < 0 || pipe2(wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        fprintf(stderr, "harness-keeper: %s\n", strerror(errno));
        return 1;
    }
    K.wake_fd = wake[0];
    W.wake_fd = wake[1];
    pthread_mutex_init(&W.mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&W.cv, &ca);
    pthread_condattr_destroy(&ca);

    int code = run_keeper(&s);

    writer_close();
    checkpointer_close();
    spec_free(&s);
    buf_free(&K.in);
    buf_free(&K.out);
    while (K.inputs != NULL) {
        struct input *i = K.inputs;
        K.inputs = i->next;
        free(i->p);
        free(i);
    }
    buf_free(&K.drained);
    close(wake[0]);
    close(wake[1]);
    close(K.sig_fd);
    sqlite3_close(W.db);
    free(adopted);
    return code;
}
