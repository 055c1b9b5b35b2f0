/* The engine's hot loop in C: waitpid, PTRACE_GET_SYSCALL_INFO, argument capture
 * and restart, with the GIL released while it waits and while it handles the stops
 * it owns.
 *
 * tracer/engine.py stays the engine: it spawns, attaches, and handles every stop this
 * loop hands back (new or unknown tasks, exits, signals, ptrace events, the waker).
 * This loop handles the syscall stops (entry, exit, seccomp) of the tasks the engine
 * registered, in the full, seccomp and count modes, and records them into batches of
 * raw records; a Replayer turns a batch into the sink's syscall_entry/syscall_exit
 * calls, on this thread or (pipelined) on another one.
 *
 * Argument capture runs the plan decode/capture_plan.py compiled (which argument
 * points to what, how many bytes); a syscall whose plan has a step this file does not
 * know is captured by the Python Capturer, called with the GIL.  So are the recording
 * gate (markers, the spawned child's set-up) and the unwinder (source=True).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sched.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif
#ifndef __WALL
#define __WALL 0x40000000
#endif
#ifndef __WNOTHREAD
#define __WNOTHREAD 0x20000000
#endif

#define OP_ENTRY 1
#define OP_EXIT 2
#define OP_SECCOMP 3
#define SIZE_ENTRY 80
#define SIZE_EXIT 33
#define SIZE_SECCOMP 84
#define EVENT_SECCOMP 7
#define SYSCALL_TRAP (SIGTRAP | 0x80)
#define NR_MAX 4096
#define BATCH_RECORDS 4096
#define PATH_MAX_ 4096
#define FIRST_CHUNK 256
#define LIVE_POLLS 1

struct syscall_info {
    uint8_t op;
    uint8_t pad[3];
    uint32_t arch;
    uint64_t ip;
    uint64_t sp;
    union {
        struct { uint64_t nr; uint64_t args[6]; } entry;
        struct { int64_t rval; uint8_t is_error; } exit;
        struct { uint64_t nr; uint64_t args[6]; uint32_t ret_data; } seccomp;
    };
};

/* -- capture plan steps (decode/capture_plan.py names the same numbers) ---------- */
enum {
    E_PATH = 1, E_STR = 2, E_BUF = 3, E_FIXED = 4, E_SIZED = 5,
    X_BUF = 6, X_PATH = 7, X_INT = 8, X_FIXED = 9, X_SIZED = 10, X_WSTATUS = 11,
    E_FUTEX = 12, E_FCNTL = 13, X_DIRENTS = 14, X_FD_PAIR = 15,
};
#define LEN_NONE (-1)
#define LEN_RET (-2)

typedef struct { int8_t op; int8_t arg; int8_t len; int32_t size; } step_t;

typedef struct {
    uint8_t kind;     /* 0: nothing to read, 1: the C steps below, 2: the Python Capturer */
    uint8_t has_exit; /* exit steps (the exit's captures merge the entry's) */
    uint8_t n_entry, n_exit;
    step_t *steps;    /* n_entry entry steps, then n_exit exit steps */
} plan_t;

/* -- records ---------------------------------------------------------------------- */
#define R_ENTRY 0
#define R_EXIT 1
#define F_PYPLAN 1    /* captured by Python: py is the whole captured value */
#define F_HAS_EXIT 2  /* a C plan with exit steps */
#define F_FAILED 4
#define F_EXPECT_EXIT 8
#define F_SUMMARY 16  /* a task's pending call: counted by the core (summary mode) */

typedef struct {
    uint8_t kind, flags;
    int32_t pid, tid, nr;
    int64_t t;
    uint64_t seq;
    uint64_t args[6]; /* an exit: args[0] is the return value */
    uint32_t cap_off, cap_len;
    PyObject *py;  /* owned: the Python Capturer's dict */
    PyObject *pcs; /* owned: the unwinder's program counters */
} rec_t;

/* An item of captured memory in a batch's arena: key, type, length, bytes. */
typedef struct { int32_t key; uint8_t is_int; uint32_t len; } item_t;

typedef struct {
    PyObject_HEAD
    rec_t *recs;
    Py_ssize_t n, cap;
    char *arena;
    size_t used, size;
} Batch;

static PyTypeObject BatchType;

static void batch_clear(Batch *b) {
    for (Py_ssize_t i = 0; i < b->n; i++) {
        Py_CLEAR(b->recs[i].py);
        Py_CLEAR(b->recs[i].pcs);
    }
    b->n = 0;
    b->used = 0;
}

static void Batch_dealloc(Batch *b) {
    batch_clear(b);
    free(b->recs);
    free(b->arena);
    Py_TYPE(b)->tp_free((PyObject *)b);
}

static Py_ssize_t Batch_len(Batch *b) { return b->n; }

static Batch *batch_new(void) {
    Batch *b = PyObject_New(Batch, &BatchType);
    if (b == NULL) return NULL;
    b->recs = malloc(sizeof(rec_t) * BATCH_RECORDS);
    b->cap = BATCH_RECORDS;
    b->n = 0;
    b->size = 1 << 16;
    b->used = 0;
    b->arena = malloc(b->size);
    if (b->recs == NULL || b->arena == NULL) {
        free(b->recs);
        free(b->arena);
        b->recs = NULL;
        b->arena = NULL;
        b->n = 0;
        Py_DECREF(b);
        PyErr_NoMemory();
        return NULL;
    }
    return b;
}

static int arena_reserve(Batch *b, size_t more) {
    if (b->used + more <= b->size) return 0;
    size_t size = b->size;
    while (b->used + more > size) size *= 2;
    char *a = realloc(b->arena, size);
    if (a == NULL) return -1;
    b->arena = a;
    b->size = size;
    return 0;
}

static PySequenceMethods Batch_seq = {.sq_length = (lenfunc)Batch_len};

static PyTypeObject BatchType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pytest_renacer.tracer._core.Batch",
    .tp_basicsize = sizeof(Batch),
    .tp_dealloc = (destructor)Batch_dealloc,
    .tp_as_sequence = &Batch_seq,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Raw syscall records of the C loop, replayed to a sink by a Replayer.",
};

/* -- tasks -------------------------------------------------------------------------- */
typedef struct {
    int32_t tid; /* 0: free, -1: deleted */
    int32_t pid;
    uint8_t pending;
    uint8_t pend_flags;
    int32_t pend_nr;
    uint64_t pend_seq;
    uint64_t pend_args[6];
    int64_t pend_t; /* summary mode: when the call's tracee was resumed */
} task_t;

typedef struct { task_t *slots; size_t cap, used, live; } tasks_t;

static size_t hash_tid(int32_t tid, size_t cap) {
    return ((uint32_t)tid * 2654435761u) & (cap - 1);
}

static task_t *task_find(tasks_t *ts, int32_t tid) {
    size_t i = hash_tid(tid, ts->cap);
    for (;;) {
        task_t *t = &ts->slots[i];
        if (t->tid == tid) return t;
        if (t->tid == 0) return NULL;
        i = (i + 1) & (ts->cap - 1);
    }
}

static int tasks_rehash(tasks_t *ts, size_t cap) {
    task_t *old = ts->slots;
    size_t old_cap = ts->cap;
    task_t *slots = calloc(cap, sizeof(task_t));
    if (slots == NULL) return -1;
    ts->slots = slots;
    ts->cap = cap;
    ts->used = ts->live = 0;
    for (size_t k = 0; k < old_cap; k++) {
        if (old[k].tid > 0) {
            size_t i = hash_tid(old[k].tid, cap);
            while (slots[i].tid != 0) i = (i + 1) & (cap - 1);
            slots[i] = old[k];
            ts->used++;
            ts->live++;
        }
    }
    free(old);
    return 0;
}

static task_t *task_add(tasks_t *ts, int32_t tid, int32_t pid) {
    task_t *t = task_find(ts, tid);
    if (t == NULL) {
        if ((ts->used + 1) * 2 > ts->cap) {
            size_t cap = 64; /* a power of two: the probe masks with cap - 1 */
            while (cap < ts->live * 4) cap *= 2;
            if (tasks_rehash(ts, cap) < 0) return NULL;
        }
        size_t i = hash_tid(tid, ts->cap);
        while (ts->slots[i].tid > 0) i = (i + 1) & (ts->cap - 1);
        t = &ts->slots[i];
        if (t->tid == 0) ts->used++;
        ts->live++;
    }
    memset(t, 0, sizeof(*t));
    t->tid = tid;
    t->pid = pid;
    return t;
}

static void task_remove(tasks_t *ts, int32_t tid) {
    task_t *t = task_find(ts, tid);
    if (t != NULL) {
        t->tid = -1;
        ts->live--;
    }
}

/* -- the core ----------------------------------------------------------------------- */
typedef struct { uint64_t calls, errors; int64_t total, min, max; } summary_t;

typedef struct {
    PyObject_HEAD
    int mode; /* 0 full, 1 seccomp, 2 count */
    int recording;
    int has_sel, invert;
    uint8_t sel[NR_MAX];
    plan_t plans[NR_MAX];
    int has_capture;
    int python_capture; /* process_vm_readv refused: every capture goes to Python */
    long strsize;
    uint64_t seq;
    tasks_t tasks;
    PyObject *gate, *capture_entry, *capture_exit, *unwinder, *deliver, *replayer;
    /* Recording straight into a TraceRecorder's columns (model.py), when it is the only
     * sink: (recorder, nr, pid, tid, start, duration, retval, flags, args or None,
     * captured, store_captured, entry flags, failed flag).  Row of an entry: base + seq - 1. */
    PyObject *columns;
    Py_ssize_t row_base;
    /* The last entry capture the recorder shared (its arena bytes) and its slot in the
     * CaptureColumn: a loop's equal captures are written as that slot, no dict made. */
    char *memo_cap;
    size_t memo_len;
    long memo_slot;
    Batch *batch;
    struct iovec *iov;
    size_t iov_cap;
    PyThreadState *save; /* non-NULL while the GIL is released */
    /* Summary mode (the CLI's -c): no records, no sink calls; per syscall number the
     * returned calls, failed ones and their times (output/summary.py's SummarySink.add),
     * for the syscalls sum_sel selects. */
    int summary;
    uint8_t sum_sel[NR_MAX];
    summary_t *sums;
} Core;

typedef struct {
    PyObject_HEAD
    PyObject *sink_entry, *sink_exit;
    PyObject *pending; /* seq -> (token, entry captured) of calls whose exit is to come */
} Replayer;

static PyTypeObject ReplayerType;
static int replay(Replayer *r, Batch *b);

#define GIL_TAKE(c) do { if ((c)->save) { PyEval_RestoreThread((c)->save); (c)->save = NULL; } } while (0)
#define GIL_DROP(c) do { if (!(c)->save) (c)->save = PyEval_SaveThread(); } while (0)

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int selected(Core *c, uint64_t nr) {
    if (!c->has_sel) return 1;
    int listed = nr < NR_MAX ? c->sel[nr] : 0;
    return listed != c->invert;
}

/* -- memory ------------------------------------------------------------------------- */
static long page_size;

/* Read up to size bytes at addr into dst, one iovec per page so that an unmapped page
 * ends the read instead of failing it whole: bytes read, 0 for none, -2 when
 * process_vm_readv is refused here (the Python reader falls back to PEEKDATA). */
static ssize_t mem_read(Core *c, pid_t tid, uint64_t addr, size_t size, char *dst) {
    if (addr == 0 || size == 0 || addr > UINT64_MAX - size) return 0;
    size_t n = (addr % page_size + size + page_size - 1) / page_size;
    if (n > c->iov_cap) {
        struct iovec *iov = realloc(c->iov, n * sizeof(struct iovec));
        if (iov == NULL) return 0;
        c->iov = iov;
        c->iov_cap = n;
    }
    uint64_t a = addr, end = addr + size;
    for (size_t k = 0; k < n; k++) {
        uint64_t next = (a / page_size + 1) * page_size;
        uint64_t stop = next < end ? next : end;
        c->iov[k].iov_base = (void *)(uintptr_t)a;
        c->iov[k].iov_len = stop - a;
        a = stop;
    }
    struct iovec local = {dst, size};
    ssize_t got = process_vm_readv(tid, &local, 1, c->iov, n, 0);
    if (got < 0) return (errno == ENOSYS || errno == EPERM) ? -2 : 0;
    return got;
}

/* Append an item to the arena: its bytes are written by the caller at the returned
 * pointer (len at most). */
static char *item_begin(Batch *b, size_t len) {
    if (arena_reserve(b, sizeof(item_t) + len) < 0) return NULL;
    return b->arena + b->used + sizeof(item_t);
}

static void item_end(Batch *b, int32_t key, int is_int, size_t len) {
    item_t it = {key, (uint8_t)is_int, (uint32_t)len};
    memcpy(b->arena + b->used, &it, sizeof(it));
    b->used += sizeof(item_t) + len;
}

/* capture.py's _read_exact: exactly size bytes, else nothing.  1 stored, 0 not, -2 refused. */
static int cap_exact(Core *c, pid_t tid, int32_t key, uint64_t addr, uint64_t size) {
    Batch *b = c->batch;
    if (addr == 0) return 0;
    if (size == 0) {
        if (item_begin(b, 0) == NULL) return 0;
        item_end(b, key, 0, 0);
        return 1;
    }
    if (size > (1u << 30)) return 0;
    char *dst = item_begin(b, size);
    if (dst == NULL) return 0;
    ssize_t got = mem_read(c, tid, addr, size, dst);
    if (got == -2) return -2;
    if ((uint64_t)got < size) return 0;
    item_end(b, key, 0, size);
    return 1;
}

/* capture.py's _cstring: the bytes before the NUL, at most limit, read a page at a time;
 * nothing when unreadable memory comes first. */
static int cap_cstring(Core *c, pid_t tid, int32_t key, uint64_t addr, size_t limit) {
    Batch *b = c->batch;
    if (addr == 0) return 0;
    char *dst = item_begin(b, limit);
    if (dst == NULL) return 0;
    size_t out = 0, chunk = FIRST_CHUNK;
    while (out < limit) {
        size_t step = limit - out;
        size_t to_page = page_size - addr % page_size;
        if (step > to_page) step = to_page;
        if (step > chunk) step = chunk;
        ssize_t got = mem_read(c, tid, addr, step, dst + out);
        if (got == -2) return -2;
        /* unreadable before its NUL (chunks after the first start on a page boundary):
         * nothing, as capture.py's _cstring (strace prints the address then) */
        if (got <= 0) return 0;
        char *nul = memchr(dst + out, 0, (size_t)got);
        if (nul != NULL) {
            out += (size_t)(nul - (dst + out));
            break;
        }
        out += (size_t)got;
        if ((size_t)got < step) break;
        addr += step;
        chunk = page_size;
    }
    item_end(b, key, 0, out);
    return 1;
}

static uint64_t step_len(const step_t *s, const uint64_t *args, int64_t rval) {
    if (s->len == LEN_RET) return (uint64_t)rval;
    if (s->len < 0 || s->len > 5) return 0;
    return args[(int)s->len];
}


/* The entry steps of a C plan; -2 when memory cannot be read this way. */
static int run_entry_steps(Core *c, const plan_t *p, pid_t tid, const uint64_t *args) {
    for (int k = 0; k < p->n_entry; k++) {
        const step_t *s = &p->steps[k];
        uint64_t addr = args[(int)s->arg];
        int r = 0;
        switch (s->op) {
        case E_PATH: r = cap_cstring(c, tid, s->arg, addr, PATH_MAX_); break;
        case E_STR: r = cap_cstring(c, tid, s->arg, addr, (size_t)c->strsize + 1); break;
        case E_BUF: {
            uint64_t len = step_len(s, args, 0);
            if (len >= (1ull << 62)) break;
            if (len > (uint64_t)c->strsize) len = (uint64_t)c->strsize;
            r = cap_exact(c, tid, s->arg, addr, len);
            break;
        }
        case E_FIXED: r = cap_exact(c, tid, s->arg, addr, (uint64_t)s->size); break;
        case E_SIZED: {
            uint64_t len = step_len(s, args, 0); /* unsigned, as in Python */
            if (len != 0)
                r = cap_exact(c, tid, s->arg, addr, len < (uint64_t)s->size ? len : (uint64_t)s->size);
            break;
        }
        case E_FUTEX: { /* the ops whose 4th argument is a timeout */
            uint64_t cmd = args[1] & 127;
            if (cmd == 0 || cmd == 6 || cmd == 9 || cmd == 11 || cmd == 13)
                r = cap_exact(c, tid, 3, args[3], 16);
            break;
        }
        case E_FCNTL: { /* the struct flock commands, F_SETOWN_EX */
            uint32_t cmd = (uint32_t)args[1];
            if (cmd == 5 || cmd == 6 || cmd == 7 || cmd == 36 || cmd == 37 || cmd == 38)
                r = cap_exact(c, tid, 2, args[2], 32);
            else if (cmd == 15) /* F_SETOWN_EX */
                r = cap_exact(c, tid, 2, args[2], 8);
            break;
        }
        default: break;
        }
        if (r == -2) return -2;
    }
    return 0;
}

static int run_exit_steps(Core *c, const plan_t *p, pid_t tid, const uint64_t *args,
                          int64_t rval, int failed) {
    for (int k = p->n_entry; k < p->n_entry + p->n_exit; k++) {
        const step_t *s = &p->steps[k];
        uint64_t addr = args[(int)s->arg];
        int r = 0;
        if (failed) continue; /* every exit step here reads only after a success */
        switch (s->op) {
        case X_BUF: {
            int64_t len = s->len == LEN_RET ? rval : (int64_t)step_len(s, args, rval);
            uint64_t ulen = s->len == LEN_RET ? (uint64_t)rval : step_len(s, args, rval);
            if (s->len == LEN_RET ? (len < 0 || len >= (1ll << 62)) : ulen >= (1ull << 62)) break;
            if (ulen > (uint64_t)c->strsize) ulen = (uint64_t)c->strsize;
            r = cap_exact(c, tid, s->arg, addr, ulen);
            break;
        }
        case X_PATH: r = cap_cstring(c, tid, s->arg, addr, PATH_MAX_); break;
        case X_INT: {
            Batch *b = c->batch;
            char *dst = item_begin(b, 4);
            if (dst == NULL || addr == 0) break;
            ssize_t got = mem_read(c, tid, addr, 4, dst);
            if (got == -2) return -2;
            if (got == 4) item_end(b, s->arg, 1, 4);
            break;
        }
        case X_FIXED: r = cap_exact(c, tid, s->arg, addr, (uint64_t)s->size); break;
        case X_SIZED: {
            int64_t len = s->len == LEN_RET ? rval : (int64_t)step_len(s, args, rval);
            if (s->len == LEN_RET ? len > 0 : step_len(s, args, rval) != 0) {
                uint64_t ulen = s->len == LEN_RET ? (uint64_t)len : step_len(s, args, rval);
                r = cap_exact(c, tid, s->arg, addr,
                              ulen < (uint64_t)s->size ? ulen : (uint64_t)s->size);
            }
            break;
        }
        case X_WSTATUS:
            if (rval > 0) r = cap_exact(c, tid, s->arg, addr, 4);
            break;
        case X_FD_PAIR: r = cap_exact(c, tid, s->arg, addr, 8); break;
        case X_DIRENTS: { /* the number of records (structs.count_dirents) */
            if (rval < 0) break;
            Batch *b = c->batch;
            int32_t n = 0;
            if (rval > 0) {
                size_t size = rval < (1 << 20) ? (size_t)rval : (1 << 20);
                char *buf = item_begin(b, size);
                if (buf == NULL) break;
                ssize_t got = mem_read(c, tid, addr, size, buf);
                if (got == -2) return -2;
                if ((size_t)got < size || addr == 0) break;
                for (size_t off = 0; off + 18 <= size; n++) {
                    uint16_t reclen;
                    memcpy(&reclen, buf + off + 16, 2);
                    if (reclen == 0) break;
                    off += reclen;
                }
            }
            char *dst = item_begin(b, 4);
            if (dst == NULL) break;
            memcpy(dst, &n, 4);
            item_end(b, s->arg, 1, 4);
            break;
        }
        default: break;
        }
        if (r == -2) return -2;
    }
    return 0;
}

/* -- records ------------------------------------------------------------------------ */
static int flush(Core *c); /* with the GIL */

static rec_t *rec_new(Core *c) {
    Batch *b = c->batch;
    if (b->n == b->cap) {
        GIL_TAKE(c);
        if (flush(c) < 0) return NULL;
        b = c->batch;
    }
    rec_t *r = &b->recs[b->n];
    memset(r, 0, sizeof(*r));
    return r;
}

/* Live sinks called on this thread (the CLI's text, JSON lines): each record goes to them
 * at its stop, before the tracee resumes, as the Python loop does.  Batched, a line
 * would wait for the next stop, forever for a tracee in pause(); and formatting after
 * the restart measured slower (the woken tracee preempts the tracer on its CPU). */
static int live_flush(Core *c) {
    if (c->columns != NULL || c->deliver != NULL) return 0;
    GIL_TAKE(c);
    return flush(c);
}

static PyObject *args_tuple(const uint64_t *args) {
    return Py_BuildValue("(KKKKKK)", (unsigned long long)args[0], (unsigned long long)args[1],
                         (unsigned long long)args[2], (unsigned long long)args[3],
                         (unsigned long long)args[4], (unsigned long long)args[5]);
}

static int restart(pid_t tid, long req, long sig) {
    return (int)ptrace((enum __ptrace_request)req, tid, 0, (void *)sig);
}

/* A syscall-entry stop (full mode) or a seccomp stop: returns 0 handled, -1 error (GIL
 * held, exception set), 2 the engine has no task left. */
static int on_entry(Core *c, task_t *t, pid_t tid, struct syscall_info *si, int64_t now,
                    int seccomp) {
    uint64_t nr = si->entry.nr;
    uint64_t *args = si->entry.args;
    long restart_default = c->mode == 0 ? PTRACE_SYSCALL : PTRACE_CONT;
    int launch = 0;
    if (!c->recording) {
        GIL_TAKE(c);
        PyObject *a = args_tuple(args);
        PyObject *r = a ? PyObject_CallFunction(c->gate, "iiKO", (int)tid, (int)t->pid,
                                                (unsigned long long)nr, a) : NULL;
        Py_XDECREF(a);
        if (r == NULL) return -1;
        long g = PyLong_AsLong(r);
        Py_DECREF(r);
        if (g == -1 && PyErr_Occurred()) return -1;
        if (g & 8) return 2; /* the engine let every task go (an in-place window) */
        t = task_find(&c->tasks, tid); /* the engine's Python may have changed the table */
        if (t == NULL) return 0;
        if (g == 0) {
            restart(tid, seccomp && t->pending ? PTRACE_SYSCALL : restart_default, 0);
            return 0;
        }
        if (g & 2) c->recording = 1;
        launch = (g & 4) != 0;
    }
    if (!selected(c, nr)) {
        restart(tid, seccomp && t->pending ? PTRACE_SYSCALL : restart_default, 0);
        return 0;
    }
    if (c->summary && nr < NR_MAX) { /* (a number past the table: recorded, as before) */
        /* timed from the tracee's resumption, as SummarySink (and strace) do */
        t->pending = c->sum_sel[nr] && c->mode != 2;
        t->pend_flags = F_SUMMARY;
        t->pend_nr = (int32_t)nr;
        t->pend_t = now_ns();
        restart(tid, t->pending ? PTRACE_SYSCALL : restart_default, 0);
        return 0;
    }
    rec_t *r = rec_new(c);
    if (r == NULL) return -1;
    Batch *b = c->batch;
    r->kind = R_ENTRY;
    r->pid = t->pid;
    r->tid = tid;
    r->nr = (int32_t)nr;
    r->t = now;
    r->seq = ++c->seq;
    memcpy(r->args, args, sizeof(r->args));
    r->cap_off = (uint32_t)b->used;
    const plan_t *p = nr < NR_MAX ? &c->plans[nr] : NULL;
    uint8_t flags = c->mode == 2 ? 0 : F_EXPECT_EXIT;
    if (c->has_capture && p != NULL && p->kind == 1 && !c->python_capture) {
        if (run_entry_steps(c, p, tid, args) == -2) {
            c->python_capture = 1;
            b->used = r->cap_off;
        }
    }
    if (c->has_capture && (p == NULL || p->kind == 2 || c->python_capture)) {
        GIL_TAKE(c);
        PyObject *a = args_tuple(args);
        r->py = a ? PyObject_CallFunction(c->capture_entry, "iKO", (int)tid,
                                          (unsigned long long)nr, a) : NULL;
        Py_XDECREF(a);
        if (r->py == NULL) return -1;
        flags |= F_PYPLAN;
    } else if (p != NULL && p->has_exit && c->has_capture) {
        flags |= F_HAS_EXIT;
    }
    r->cap_len = (uint32_t)(b->used - r->cap_off);
    if (c->unwinder != NULL && !launch) {
        GIL_TAKE(c);
        PyObject *pcs = PyObject_CallFunction(c->unwinder, "iiKK", (int)t->pid, (int)tid,
                                              (unsigned long long)si->ip,
                                              (unsigned long long)si->sp);
        if (pcs == NULL) {
            Py_CLEAR(r->py);
            return -1;
        }
        int truth = PyObject_IsTrue(pcs);
        if (truth > 0) {
            if (flags & F_PYPLAN) {
                if (r->py == Py_None) {
                    Py_DECREF(r->py);
                    r->py = PyDict_New();
                }
                if (r->py == NULL || PyDict_SetItemString(r->py, "pcs", pcs) < 0) {
                    Py_DECREF(pcs);
                    return -1;
                }
                Py_DECREF(pcs);
            } else {
                r->pcs = pcs;
            }
        } else {
            Py_DECREF(pcs);
        }
    }
    r->flags = flags;
    b->n++;
    if (live_flush(c) < 0) return -1;
    if (c->mode == 2) {
        t->pending = 0;
        restart(tid, restart_default, 0);
    } else {
        t->pending = 1;
        t->pend_flags = flags;
        t->pend_nr = (int32_t)nr;
        t->pend_seq = r->seq;
        memcpy(t->pend_args, args, sizeof(t->pend_args));
        restart(tid, PTRACE_SYSCALL, 0);
    }
    return 0;
}

static int on_exit_stop(Core *c, task_t *t, pid_t tid, struct syscall_info *si, int64_t now) {
    long restart_default = c->mode == 0 ? PTRACE_SYSCALL : PTRACE_CONT;
    if (t->pending && (t->pend_flags & F_SUMMARY)) {
        t->pending = 0;
        summary_t *a = &c->sums[t->pend_nr];
        int64_t ns = now - t->pend_t;
        if (ns < 0) ns = 0;
        if (a->calls == 0) {
            a->min = a->max = ns;
        } else {
            if (ns < a->min) a->min = ns;
            if (ns > a->max) a->max = ns;
        }
        a->calls++;
        a->errors += si->exit.is_error != 0;
        a->total += ns;
    } else if (t->pending) {
        t->pending = 0;
        int64_t rval = si->exit.rval;
        int failed = si->exit.is_error != 0;
        rec_t *r = rec_new(c);
        if (r == NULL) return -1;
        Batch *b = c->batch;
        r->kind = R_EXIT;
        r->pid = t->pid;
        r->tid = tid;
        r->nr = t->pend_nr;
        r->t = now;
        r->seq = t->pend_seq;
        r->args[0] = (uint64_t)rval;
        r->cap_off = (uint32_t)b->used;
        uint8_t flags = failed ? F_FAILED : 0;
        uint32_t nr = (uint32_t)t->pend_nr;
        if (t->pend_flags & F_PYPLAN) {
            flags |= F_PYPLAN;
            GIL_TAKE(c);
            PyObject *a = args_tuple(t->pend_args);
            r->py = a ? PyObject_CallFunction(c->capture_exit, "iIOLOO", (int)tid, nr, a,
                                              (long long)rval, failed ? Py_True : Py_False,
                                              Py_None) : NULL;
            Py_XDECREF(a);
            if (r->py == NULL) return -1;
        } else if (t->pend_flags & F_HAS_EXIT) {
            flags |= F_HAS_EXIT;
            if (run_exit_steps(c, &c->plans[nr], tid, t->pend_args, rval, failed) == -2) {
                /* refused only now: the merged capture keeps the entry's part */
                c->python_capture = 1;
                b->used = r->cap_off;
            }
        }
        r->cap_len = (uint32_t)(b->used - r->cap_off);
        r->flags = flags;
        b->n++;
        if (live_flush(c) < 0) return -1;
    }
    restart(tid, restart_default, 0);
    return 0;
}

/* One stop: 1 handled, 0 not ours (hand it to Python), 2 nothing left to trace, -1 error. */
static int handle(Core *c, pid_t tid, int status, int64_t now) {
    task_t *t = task_find(&c->tasks, tid);
    if (t == NULL || !WIFSTOPPED(status)) return 0;
    int sig = (status >> 8) & 0xff;
    int event = status >> 16;
    struct syscall_info si;
    if (sig == SYSCALL_TRAP) {
        long size = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(si), &si);
        if (size == -1) return 1; /* died under us: its exit status follows */
        int op = size == SIZE_ENTRY ? OP_ENTRY : size == SIZE_EXIT ? OP_EXIT : si.op;
        if (op == OP_ENTRY) {
            int e = on_entry(c, t, tid, &si, now, 0);
            return e < 0 ? -1 : e == 2 ? 2 : 1;
        }
        if (op == OP_EXIT) return on_exit_stop(c, t, tid, &si, now) < 0 ? -1 : 1;
        restart(tid, c->mode == 0 ? PTRACE_SYSCALL : PTRACE_CONT, 0);
        return 1;
    }
    if (event == EVENT_SECCOMP) {
        long size = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(si), &si);
        if (size == -1) return 1;
        if (size != SIZE_SECCOMP && si.op != OP_SECCOMP) {
            restart(tid, (c->mode == 0 || t->pending) ? PTRACE_SYSCALL : PTRACE_CONT, 0);
            return 1;
        }
        int e = on_entry(c, t, tid, &si, now, 1);
        return e < 0 ? -1 : e == 2 ? 2 : 1;
    }
    return 0;
}

static PyObject *entry_captured(Batch *b, rec_t *r);
static PyObject *exit_captured(Batch *b, rec_t *r, PyObject *before);
static int record_columns(Core *c, Batch *b);

static int flush(Core *c) {
    Batch *b = c->batch;
    if (b->n == 0) return 0;
    if (c->columns != NULL) {
        int rc = record_columns(c, b);
        batch_clear(b);
        return rc;
    }
    if (c->deliver != NULL) {
        Batch *fresh = batch_new();
        if (fresh == NULL) return -1;
        c->batch = fresh;
        PyObject *r = PyObject_CallOneArg(c->deliver, (PyObject *)b);
        Py_DECREF(b);
        if (r == NULL) return -1;
        Py_DECREF(r);
        return 0;
    }
    int rc = replay((Replayer *)c->replayer, b);
    batch_clear(b);
    return rc;
}

/* Core.run(first=None): loop until a stop this loop does not own; (tid, status, now)
 * for it, or None when no child is left. */
static PyObject *Core_run(Core *c, PyObject *args) {
    PyObject *first = Py_None;
    if (!PyArg_ParseTuple(args, "|O", &first)) return NULL;
    if (first != Py_None) {
        int tid, status;
        long long t;
        if (!PyArg_ParseTuple(first, "iiL", &tid, &status, &t)) return NULL;
        int h = handle(c, tid, status, t);
        GIL_TAKE(c);
        if (h < 0) return NULL;
        if (h == 2) {
            if (flush(c) < 0) return NULL;
            Py_RETURN_NONE;
        }
        if (h == 0) return Py_BuildValue("(iiL)", tid, status, t);
    }
    for (;;) {
        GIL_DROP(c); /* a stop's Python calls (capture, live sinks) took it */
        int status;
        pid_t tid = 0;
        int err = 0;
        if (c->deliver != NULL && c->batch->n > 0) {
            /* A pipeline's sinks print as the tracee goes: before waiting for a stop that
             * may take long (a tracee in pause()), what is recorded goes out, unless the
             * next stop is there already. */
            for (int k = 0; k < LIVE_POLLS && tid == 0; k++) {
                if (k) sched_yield();
                tid = waitpid(-1, &status, __WALL | __WNOTHREAD | WNOHANG);
                err = errno;
            }
            if (tid == 0) {
                GIL_TAKE(c);
                if (flush(c) < 0) return NULL;
                GIL_DROP(c);
            }
        }
        if (tid == 0) {
            tid = waitpid(-1, &status, __WALL | __WNOTHREAD);
            err = errno;
        }
        errno = err;
        if (tid < 0) {
            if (errno == EINTR) {
                GIL_TAKE(c);
                if (PyErr_CheckSignals() < 0) return NULL;
                continue;
            }
            GIL_TAKE(c);
            if (flush(c) < 0) return NULL;
            if (err == ECHILD) Py_RETURN_NONE;
            errno = err;
            return PyErr_SetFromErrno(PyExc_OSError);
        }
        int64_t now = now_ns();
        int h = handle(c, tid, status, now);
        if (h == 1) continue;
        GIL_TAKE(c);
        if (h < 0) return NULL;
        if (flush(c) < 0) return NULL;
        if (h == 2) Py_RETURN_NONE;
        return Py_BuildValue("(iiL)", (int)tid, status, (long long)now);
    }
}

static PyObject *Core_flush(Core *c, PyObject *unused) {
    if (flush(c) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *Core_add_task(Core *c, PyObject *args) {
    int tid, pid;
    if (!PyArg_ParseTuple(args, "ii", &tid, &pid)) return NULL;
    if (task_add(&c->tasks, tid, pid) == NULL) return PyErr_NoMemory();
    Py_RETURN_NONE;
}

static PyObject *Core_remove_task(Core *c, PyObject *args) {
    int tid;
    if (!PyArg_ParseTuple(args, "i", &tid)) return NULL;
    task_remove(&c->tasks, tid);
    Py_RETURN_NONE;
}

static PyObject *Core_awaiting_exit(Core *c, PyObject *args) {
    int tid;
    if (!PyArg_ParseTuple(args, "i", &tid)) return NULL;
    task_t *t = task_find(&c->tasks, tid);
    return PyBool_FromLong(t != NULL && t->pending);
}

/* A non-leader thread's execve: its pending call moves to the leader's tid it took. */
static PyObject *Core_move_pending(Core *c, PyObject *args) {
    int former, tid;
    if (!PyArg_ParseTuple(args, "ii", &former, &tid)) return NULL;
    task_t *old = task_find(&c->tasks, former);
    task_t *t = task_find(&c->tasks, tid);
    if (old != NULL && t != NULL) {
        t->pending = old->pending;
        t->pend_flags = old->pend_flags;
        t->pend_nr = old->pend_nr;
        t->pend_seq = old->pend_seq;
        t->pend_t = old->pend_t;
        memcpy(t->pend_args, old->pend_args, sizeof(t->pend_args));
    }
    task_remove(&c->tasks, former);
    Py_RETURN_NONE;
}

/* sel[nr] = 1 for each syscall number of an iterable (those past the table ignored). */
static int fill_selection(uint8_t *sel, PyObject *numbers) {
    PyObject *it = PyObject_GetIter(numbers), *item;
    if (it == NULL) return -1;
    while ((item = PyIter_Next(it)) != NULL) {
        long nr = PyLong_AsLong(item);
        Py_DECREF(item);
        if (nr >= 0 && nr < NR_MAX) sel[nr] = 1;
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

/* Core.count_summary(selection): from now on, count each returned call of the selected
 * syscalls (None: all) instead of recording it; what was recorded so far goes out. */
static PyObject *Core_count_summary(Core *c, PyObject *sel) {
    if (flush(c) < 0) return NULL;
    if (c->sums == NULL) {
        c->sums = calloc(NR_MAX, sizeof(summary_t));
        if (c->sums == NULL) return PyErr_NoMemory();
    }
    memset(c->sum_sel, sel == Py_None, sizeof(c->sum_sel));
    if (sel != Py_None && fill_selection(c->sum_sel, sel) < 0) return NULL;
    c->summary = 1;
    Py_RETURN_NONE;
}

/* Core.take_summary(): {nr: (calls, errors, total_ns, min_ns, max_ns)} counted since the
 * last call (the counters start again from zero). */
static PyObject *Core_take_summary(Core *c, PyObject *unused) {
    PyObject *d = PyDict_New();
    if (d == NULL || c->sums == NULL) return d;
    for (int nr = 0; nr < NR_MAX; nr++) {
        summary_t *a = &c->sums[nr];
        if (a->calls == 0) continue;
        PyObject *v = Py_BuildValue("(KKLLL)", (unsigned long long)a->calls,
                                    (unsigned long long)a->errors, (long long)a->total,
                                    (long long)a->min, (long long)a->max);
        PyObject *k = PyLong_FromLong(nr);
        if (v == NULL || k == NULL || PyDict_SetItem(d, k, v) < 0) {
            Py_XDECREF(v);
            Py_XDECREF(k);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(v);
        Py_DECREF(k);
    }
    memset(c->sums, 0, NR_MAX * sizeof(summary_t));
    return d;
}

static PyObject *Core_get_recording(Core *c, void *unused) { return PyBool_FromLong(c->recording); }

static int Core_set_recording(Core *c, PyObject *v, void *unused) {
    int r = PyObject_IsTrue(v);
    if (r < 0) return -1;
    c->recording = r;
    return 0;
}

static void Core_dealloc(Core *c) {
    Py_XDECREF(c->gate);
    Py_XDECREF(c->capture_entry);
    Py_XDECREF(c->capture_exit);
    Py_XDECREF(c->unwinder);
    Py_XDECREF(c->deliver);
    Py_XDECREF(c->replayer);
    Py_XDECREF(c->columns);
    Py_XDECREF(c->batch);
    for (int i = 0; i < NR_MAX; i++) free(c->plans[i].steps);
    free(c->tasks.slots);
    free(c->iov);
    free(c->sums);
    free(c->memo_cap);
    Py_TYPE(c)->tp_free((PyObject *)c);
}

static PyObject *none_to_null(PyObject *o) {
    if (o == Py_None) return NULL;
    Py_INCREF(o);
    return o;
}

/* Core(mode, selection, invert, plans, strsize, gate, capture_entry, capture_exit,
 *      unwinder, sink_entry, sink_exit, deliver, recording, columns)
 * selection: None or an iterable of syscall numbers; plans: None (nothing captured) or
 * {nr: None (the Python Capturer) | (has_exit, ((op, arg, len, size), ...), (...))}. */
static PyObject *Core_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    int mode, invert, recording;
    long strsize;
    PyObject *sel, *plans, *gate, *ce, *cx, *unw, *se, *sx, *deliver, *columns = Py_None;
    if (!PyArg_ParseTuple(args, "iOpOlOOOOOOOp|O", &mode, &sel, &invert, &plans, &strsize,
                          &gate, &ce, &cx, &unw, &se, &sx, &deliver, &recording, &columns))
        return NULL;
    Core *c = (Core *)type->tp_alloc(type, 0);
    if (c == NULL) return NULL;
    c->mode = mode;
    c->invert = invert;
    c->recording = recording;
    c->strsize = strsize < 0 ? 0 : strsize;
    c->tasks.cap = 64;
    c->tasks.slots = calloc(64, sizeof(task_t));
    c->batch = batch_new();
    if (c->tasks.slots == NULL || c->batch == NULL) goto fail;
    if (sel != Py_None) {
        c->has_sel = 1;
        if (fill_selection(c->sel, sel) < 0) goto fail;
    }
    if (plans != Py_None) {
        c->has_capture = 1;
        for (int i = 0; i < NR_MAX; i++) c->plans[i].kind = 0;
        PyObject *key, *value;
        Py_ssize_t pos = 0;
        while (PyDict_Next(plans, &pos, &key, &value)) {
            long nr = PyLong_AsLong(key);
            if (nr < 0 || nr >= NR_MAX) continue;
            plan_t *p = &c->plans[nr];
            if (value == Py_None) {
                p->kind = 2;
                continue;
            }
            PyObject *entry, *exit_;
            int has_exit;
            if (!PyArg_ParseTuple(value, "pOO", &has_exit, &entry, &exit_)) goto fail;
            Py_ssize_t ne = PyTuple_Size(entry), nx = PyTuple_Size(exit_);
            if (ne < 0 || nx < 0) goto fail;
            p->kind = 1;
            p->has_exit = (uint8_t)has_exit;
            p->n_entry = (uint8_t)ne;
            p->n_exit = (uint8_t)nx;
            p->steps = calloc((size_t)(ne + nx) + 1, sizeof(step_t));
            if (p->steps == NULL) goto fail;
            for (Py_ssize_t k = 0; k < ne + nx; k++) {
                PyObject *s = k < ne ? PyTuple_GET_ITEM(entry, k) : PyTuple_GET_ITEM(exit_, k - ne);
                int op, arg, len, size;
                if (!PyArg_ParseTuple(s, "iiii", &op, &arg, &len, &size)) goto fail;
                if (arg < 0 || arg > 5) {
                    PyErr_SetString(PyExc_ValueError, "a C capture step reads an argument 0-5");
                    goto fail;
                }
                p->steps[k] = (step_t){(int8_t)op, (int8_t)arg, (int8_t)len, size};
            }
        }
    }
    c->gate = none_to_null(gate);
    c->capture_entry = none_to_null(ce);
    c->capture_exit = none_to_null(cx);
    c->unwinder = none_to_null(unw);
    c->deliver = none_to_null(deliver);
    if (c->has_capture && (c->capture_entry == NULL || c->capture_exit == NULL)) {
        PyErr_SetString(PyExc_ValueError, "capture plans need the capture hooks");
        goto fail;
    }
    if (c->gate == NULL) c->recording = 1;
    if (columns != Py_None) {
        if (!PyTuple_Check(columns) || PyTuple_GET_SIZE(columns) != 13) {
            PyErr_SetString(PyExc_ValueError, "columns: a 13-tuple");
            goto fail;
        }
        Py_INCREF(columns);
        c->columns = columns;
        c->row_base = PyObject_Length(PyTuple_GET_ITEM(columns, 1));
        if (c->row_base < 0) goto fail;
    }
    c->replayer = PyObject_CallFunctionObjArgs((PyObject *)&ReplayerType, se, sx, NULL);
    if (c->replayer == NULL) goto fail;
    return (PyObject *)c;
fail:
    Py_DECREF(c);
    return NULL;
}

static PyMethodDef Core_methods[] = {
    {"run", (PyCFunction)Core_run, METH_VARARGS,
     "Handle stops until one the engine must see: (tid, status, now_ns), or None."},
    {"flush", (PyCFunction)Core_flush, METH_NOARGS, "Hand the records so far to the sink."},
    {"add_task", (PyCFunction)Core_add_task, METH_VARARGS, "add_task(tid, pid)"},
    {"remove_task", (PyCFunction)Core_remove_task, METH_VARARGS, "remove_task(tid)"},
    {"awaiting_exit", (PyCFunction)Core_awaiting_exit, METH_VARARGS,
     "Whether the task's next syscall stop is an exit."},
    {"move_pending", (PyCFunction)Core_move_pending, METH_VARARGS,
     "move_pending(former_tid, tid): a non-leader thread's execve."},
    {"count_summary", (PyCFunction)Core_count_summary, METH_O,
     "count_summary(selection): count the returned calls per syscall, no records."},
    {"take_summary", (PyCFunction)Core_take_summary, METH_NOARGS,
     "{nr: (calls, errors, total_ns, min_ns, max_ns)} since the last take."},
    {NULL},
};

static PyGetSetDef Core_getset[] = {
    {"recording", (getter)Core_get_recording, (setter)Core_set_recording,
     "No gate to ask any more: every selected entry is recorded.", NULL},
    {NULL},
};

static PyTypeObject CoreType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pytest_renacer.tracer._core.Core",
    .tp_basicsize = sizeof(Core),
    .tp_dealloc = (destructor)Core_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Core_new,
    .tp_methods = Core_methods,
    .tp_getset = Core_getset,
    .tp_doc = "The engine's syscall-stop loop (see the module's docstring).",
};

/* -- replay --------------------------------------------------------------------------- */
static int items_into(PyObject *d, Batch *b, uint32_t off, uint32_t len) {
    size_t pos = off, end = (size_t)off + len;
    while (pos < end) {
        item_t it;
        memcpy(&it, b->arena + pos, sizeof(it));
        const char *data = b->arena + pos + sizeof(it);
        PyObject *v;
        if (it.is_int) {
            int32_t x;
            memcpy(&x, data, 4);
            v = PyLong_FromLong(x);
        } else {
            v = PyBytes_FromStringAndSize(data, it.len);
        }
        PyObject *k = PyLong_FromLong(it.key);
        if (v == NULL || k == NULL || PyDict_SetItem(d, k, v) < 0) {
            Py_XDECREF(v);
            Py_XDECREF(k);
            return -1;
        }
        Py_DECREF(v);
        Py_DECREF(k);
        pos += sizeof(it) + it.len;
    }
    return 0;
}

/* The captured value of an entry record, as the Python engine hands it to the sink. */
static PyObject *entry_captured(Batch *b, rec_t *r) {
    if (r->flags & F_PYPLAN) {
        Py_INCREF(r->py);
        return r->py;
    }
    if (!(r->cap_len || r->pcs || (r->flags & F_HAS_EXIT))) Py_RETURN_NONE;
    PyObject *d = PyDict_New();
    if (d == NULL || items_into(d, b, r->cap_off, r->cap_len) < 0 ||
        (r->pcs && PyDict_SetItemString(d, "pcs", r->pcs) < 0)) {
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

/* An exit's: the Capturer's merged dict, the entry's part and these exit steps', or None. */
static PyObject *exit_captured(Batch *b, rec_t *r, PyObject *before) {
    if (r->flags & F_PYPLAN) {
        Py_INCREF(r->py);
        return r->py;
    }
    if (!(r->flags & F_HAS_EXIT)) Py_RETURN_NONE;
    PyObject *d = (before != NULL && PyDict_Check(before)) ? PyDict_Copy(before) : PyDict_New();
    if (d == NULL || items_into(d, b, r->cap_off, r->cap_len) < 0) {
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

static int append_bytes(PyObject *array, const void *data, size_t len) {
    if (len == 0) return 0;
    PyObject *r = PyObject_CallMethod(array, "frombytes", "y#", (const char *)data,
                                      (Py_ssize_t)len);
    if (r == NULL) return -1;
    Py_DECREF(r);
    return 0;
}

/* The recorder's _store_captured(row, captured): shared slots for equal captures.  The
 * slot when the capture is shared (else 0), -1 on error. */
static long store_captured(Core *c, Py_ssize_t row, PyObject *captured) {
    int truth = PyObject_IsTrue(captured);
    if (truth <= 0) return truth;
    PyObject *r = PyObject_CallFunction(PyTuple_GET_ITEM(c->columns, 10), "nO", row, captured);
    if (r == NULL) return -1;
    long slot = PyLong_AsLong(r);
    Py_DECREF(r);
    return slot == -1 && PyErr_Occurred() ? -1 : slot;
}

/* An entry's capture equal to the memo's: the row gets the memo's slot (1), else 0. */
static int memo_hit(Core *c, Batch *b, rec_t *r) {
    return c->memo_slot > 0 && r->cap_len == c->memo_len &&
           memcmp(b->arena + r->cap_off, c->memo_cap, r->cap_len) == 0;
}

static void memo_keep(Core *c, Batch *b, rec_t *r, long slot) {
    char *m = realloc(c->memo_cap, r->cap_len ? r->cap_len : 1);
    if (m == NULL) {
        c->memo_slot = 0;
        return;
    }
    memcpy(m, b->arena + r->cap_off, r->cap_len);
    c->memo_cap = m;
    c->memo_len = r->cap_len;
    c->memo_slot = slot;
}

/* Write the memo hits' slots into the CaptureColumn (model.py): its grow_for(rows, added)
 * makes room and counts them, and hands back its slot array. */
static int write_slots(Core *c, const Py_ssize_t *rows, const uint32_t *slots, Py_ssize_t n) {
    if (n == 0) return 0;
    Py_ssize_t top = 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (rows[k] + 1 > top) top = rows[k] + 1;
    PyObject *array = PyObject_CallMethod(PyTuple_GET_ITEM(c->columns, 9), "grow_for", "nn",
                                          top, n);
    if (array == NULL) return -1;
    Py_buffer view;
    int rc = PyObject_GetBuffer(array, &view, PyBUF_WRITABLE);
    Py_DECREF(array);
    if (rc < 0) return -1;
    if (view.len < top * 4) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_RuntimeError, "CaptureColumn.grow_for: too few slots");
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) ((uint32_t *)view.buf)[rows[k]] = slots[k];
    PyBuffer_Release(&view);
    return 0;
}

/* TraceRecorder.syscall_entry/syscall_exit for a whole batch: the entries' rows appended
 * column by column, then the exits written into their rows (an exit always follows its
 * entry, so the result is the one the calls in order would give). */
static int record_columns(Core *c, Batch *b) {
    PyObject *cols = c->columns;
    PyObject *t0o = PyObject_GetAttrString(PyTuple_GET_ITEM(cols, 0), "t0");
    if (t0o == NULL) return -1;
    if (t0o == Py_None) { /* task_started comes first: only a stray entry gets here */
        Py_DECREF(t0o);
        for (Py_ssize_t i = 0; i < b->n; i++) {
            if (b->recs[i].kind == R_ENTRY || b->recs[i].kind == R_EXIT) {
                t0o = PyLong_FromLongLong(b->recs[i].t);
                if (t0o == NULL || PyObject_SetAttrString(PyTuple_GET_ITEM(cols, 0), "t0", t0o) < 0)
                    return -1;
                break;
            }
        }
        if (t0o == Py_None) return 0;
    }
    long long t0 = PyLong_AsLongLong(t0o);
    Py_DECREF(t0o);
    if (t0 == -1 && PyErr_Occurred()) return -1;
    int with_args = PyTuple_GET_ITEM(cols, 8) != Py_None;
    long entry_flags = PyLong_AsLong(PyTuple_GET_ITEM(cols, 11));
    long failed_flag = PyLong_AsLong(PyTuple_GET_ITEM(cols, 12));
    Py_ssize_t n_entries = 0;
    for (Py_ssize_t i = 0; i < b->n; i++) n_entries += b->recs[i].kind == R_ENTRY;
    int rc = -1;
    int32_t *nr = malloc(4 * (size_t)n_entries + 1), *pid = malloc(4 * (size_t)n_entries + 1);
    int32_t *tid = malloc(4 * (size_t)n_entries + 1);
    double *start = malloc(8 * (size_t)n_entries + 1), *dur = malloc(8 * (size_t)n_entries + 1);
    int64_t *ret = malloc(8 * (size_t)n_entries + 1);
    uint8_t *flags = malloc((size_t)n_entries + 1);
    uint64_t *args = malloc(48 * (size_t)n_entries + 1);
    Py_buffer bstart = {0}, bdur = {0}, bret = {0}, bflags = {0};
    Py_ssize_t *hit_rows = NULL;
    uint32_t *hit_slots = NULL;
    int have_buffers = 0;
    if (!nr || !pid || !tid || !start || !dur || !ret || !flags || !args) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < b->n; i++) {
        rec_t *r = &b->recs[i];
        if (r->kind != R_ENTRY) continue;
        nr[k] = r->nr;
        pid[k] = r->pid;
        tid[k] = r->tid;
        start[k] = (double)(r->t - t0) / 1e9;
        dur[k] = Py_NAN;
        ret[k] = 0;
        flags[k] = (uint8_t)entry_flags;
        memcpy(&args[6 * k], r->args, 48);
        k++;
    }
    if (append_bytes(PyTuple_GET_ITEM(cols, 1), nr, 4 * (size_t)k) < 0 ||
        append_bytes(PyTuple_GET_ITEM(cols, 2), pid, 4 * (size_t)k) < 0 ||
        append_bytes(PyTuple_GET_ITEM(cols, 3), tid, 4 * (size_t)k) < 0 ||
        append_bytes(PyTuple_GET_ITEM(cols, 4), start, 8 * (size_t)k) < 0 ||
        append_bytes(PyTuple_GET_ITEM(cols, 5), dur, 8 * (size_t)k) < 0 ||
        append_bytes(PyTuple_GET_ITEM(cols, 6), ret, 8 * (size_t)k) < 0)
        goto done;
    if (k) {
        PyObject *fl = PyTuple_GET_ITEM(cols, 7); /* a bytearray */
        PyObject *more = PyBytes_FromStringAndSize((const char *)flags, k);
        if (more == NULL) goto done;
        PyObject *r = PySequence_InPlaceConcat(fl, more);
        Py_DECREF(more);
        if (r == NULL) goto done;
        Py_DECREF(r);
    }
    if (with_args && append_bytes(PyTuple_GET_ITEM(cols, 8), args, 48 * (size_t)k) < 0) goto done;
    if (PyObject_GetBuffer(PyTuple_GET_ITEM(cols, 4), &bstart, PyBUF_WRITABLE) < 0) goto done;
    if (PyObject_GetBuffer(PyTuple_GET_ITEM(cols, 5), &bdur, PyBUF_WRITABLE) < 0) goto release;
    if (PyObject_GetBuffer(PyTuple_GET_ITEM(cols, 6), &bret, PyBUF_WRITABLE) < 0) goto release;
    if (PyObject_GetBuffer(PyTuple_GET_ITEM(cols, 7), &bflags, PyBUF_WRITABLE) < 0) goto release;
    have_buffers = 1;
    Py_ssize_t rows = bflags.len;
    /* the captured dicts (Python calls) after the buffers are let go: _shared may run
     * any code; rows and values are computed first */
    for (Py_ssize_t i = 0; i < b->n; i++) {
        rec_t *r = &b->recs[i];
        if (r->kind != R_EXIT) continue;
        Py_ssize_t row = c->row_base + (Py_ssize_t)r->seq - 1;
        if (row < 0 || row >= rows) continue;
        double st = ((double *)bstart.buf)[row];
        ((double *)bdur.buf)[row] = (double)(r->t - t0) / 1e9 - st;
        ((int64_t *)bret.buf)[row] = (int64_t)r->args[0];
        ((uint8_t *)bflags.buf)[row] = (r->flags & F_FAILED) ? (uint8_t)failed_flag : 0;
    }
release:
    if (bstart.obj) PyBuffer_Release(&bstart);
    if (bdur.obj) PyBuffer_Release(&bdur);
    if (bret.obj) PyBuffer_Release(&bret);
    if (bflags.obj) PyBuffer_Release(&bflags);
    if (!have_buffers) goto done;
    {
        PyObject *pending = ((Replayer *)c->replayer)->pending;
        Py_ssize_t n_hits = 0;
        hit_rows = malloc(sizeof(Py_ssize_t) * (size_t)b->n + 1);
        hit_slots = malloc(sizeof(uint32_t) * (size_t)b->n + 1);
        if (hit_rows == NULL || hit_slots == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t i = 0; i < b->n; i++) {
            rec_t *r = &b->recs[i];
            Py_ssize_t row = c->row_base + (Py_ssize_t)r->seq - 1;
            PyObject *captured;
            if (r->kind == R_ENTRY && !(r->flags & (F_PYPLAN | F_HAS_EXIT)) && r->pcs == NULL) {
                /* captured at entry only, by C steps: nothing to merge at the exit */
                if (r->cap_len == 0) continue;
                if (memo_hit(c, b, r)) {
                    hit_rows[n_hits] = row;
                    hit_slots[n_hits++] = (uint32_t)c->memo_slot;
                    continue;
                }
                captured = entry_captured(b, r);
                if (captured == NULL) goto done;
                long slot = store_captured(c, row, captured);
                Py_DECREF(captured);
                if (slot < 0) goto done;
                if (slot > 0 && slot <= (long)UINT32_MAX) memo_keep(c, b, r, slot);
                continue;
            }
            if (r->kind == R_ENTRY) {
                captured = entry_captured(b, r);
                if (captured == NULL) goto done;
                if ((r->flags & F_HAS_EXIT) && (r->flags & F_EXPECT_EXIT)) {
                    /* kept for the exit's merge */
                    PyObject *key = PyLong_FromSsize_t(row);
                    if (key == NULL || PyDict_SetItem(pending, key, captured) < 0) {
                        Py_XDECREF(key);
                        Py_DECREF(captured);
                        goto done;
                    }
                    Py_DECREF(key);
                }
            } else {
                PyObject *before = NULL;
                if (r->flags & F_HAS_EXIT) {
                    PyObject *key = PyLong_FromSsize_t(row);
                    if (key == NULL) goto done;
                    before = PyDict_GetItemWithError(pending, key);
                    Py_XINCREF(before);
                    if (before != NULL) PyDict_DelItem(pending, key);
                    Py_DECREF(key);
                    if (before == NULL && PyErr_Occurred()) goto done;
                }
                captured = exit_captured(b, r, before);
                Py_XDECREF(before);
                if (captured == NULL) goto done;
            }
            long sc = store_captured(c, row, captured);
            Py_DECREF(captured);
            if (sc < 0) goto done;
        }
        if (write_slots(c, hit_rows, hit_slots, n_hits) < 0) goto done;
    }
    rc = 0;
done:
    free(nr); free(pid); free(tid); free(start); free(dur); free(ret); free(flags); free(args);
    free(hit_rows); free(hit_slots);
    return rc;
}

static int replay(Replayer *rp, Batch *b) {
    for (Py_ssize_t i = 0; i < b->n; i++) {
        rec_t *r = &b->recs[i];
        PyObject *key = PyLong_FromUnsignedLongLong(r->seq);
        if (key == NULL) return -1;
        if (r->kind == R_ENTRY) {
            PyObject *captured = entry_captured(b, r);
            if (captured == NULL) {
                Py_DECREF(key);
                return -1;
            }
            PyObject *token = PyObject_CallFunction(
                rp->sink_entry, "iiiNLO", r->pid, r->tid, r->nr,
                Py_BuildValue("(KKKKKK)", r->args[0], r->args[1], r->args[2], r->args[3],
                              r->args[4], r->args[5]),
                (long long)r->t, captured);
            PyObject *kept = NULL;
            if (token != NULL && (r->flags & F_EXPECT_EXIT)) {
                /* the token for the exit, and the entry's capture for its merge */
                kept = PyTuple_Pack(2, token, (r->flags & F_HAS_EXIT) ? captured : Py_None);
                if (kept == NULL || PyDict_SetItem(rp->pending, key, kept) < 0)
                    Py_CLEAR(token);
                Py_XDECREF(kept);
            }
            Py_DECREF(captured);
            Py_DECREF(key);
            if (token == NULL) return -1;
            Py_DECREF(token);
            continue;
        }
        PyObject *kept = PyDict_GetItemWithError(rp->pending, key);
        if (kept == NULL) { /* an exit whose entry was never handed over: none */
            Py_DECREF(key);
            if (PyErr_Occurred()) return -1;
            continue;
        }
        Py_INCREF(kept);
        PyDict_DelItem(rp->pending, key);
        Py_DECREF(key);
        PyObject *captured = exit_captured(b, r, PyTuple_GET_ITEM(kept, 1));
        PyObject *res = captured == NULL ? NULL : PyObject_CallFunction(
            rp->sink_exit, "OiiiLOLO", PyTuple_GET_ITEM(kept, 0), r->pid, r->tid, r->nr,
            (long long)(int64_t)r->args[0], (r->flags & F_FAILED) ? Py_True : Py_False,
            (long long)r->t, captured);
        Py_DECREF(kept);
        Py_XDECREF(captured);
        if (res == NULL) return -1;
        Py_DECREF(res);
    }
    return 0;
}

static PyObject *Replayer_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    PyObject *se, *sx;
    if (!PyArg_ParseTuple(args, "OO", &se, &sx)) return NULL;
    Replayer *r = (Replayer *)type->tp_alloc(type, 0);
    if (r == NULL) return NULL;
    Py_INCREF(se);
    Py_INCREF(sx);
    r->sink_entry = se;
    r->sink_exit = sx;
    r->pending = PyDict_New();
    if (r->pending == NULL) {
        Py_DECREF(r);
        return NULL;
    }
    return (PyObject *)r;
}

static void Replayer_dealloc(Replayer *r) {
    Py_XDECREF(r->sink_entry);
    Py_XDECREF(r->sink_exit);
    Py_XDECREF(r->pending);
    Py_TYPE(r)->tp_free((PyObject *)r);
}

static PyObject *Replayer_replay(Replayer *r, PyObject *arg) {
    if (!PyObject_TypeCheck(arg, &BatchType)) {
        PyErr_SetString(PyExc_TypeError, "replay() takes a Batch");
        return NULL;
    }
    Batch *b = (Batch *)arg;
    int rc = replay(r, b);
    batch_clear(b);
    if (rc < 0) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef Replayer_methods[] = {
    {"replay", (PyCFunction)Replayer_replay, METH_O,
     "Call the sink's syscall_entry/syscall_exit for each record of a Batch, in order."},
    {NULL},
};

static PyTypeObject ReplayerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pytest_renacer.tracer._core.Replayer",
    .tp_basicsize = sizeof(Replayer),
    .tp_dealloc = (destructor)Replayer_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Replayer_new,
    .tp_methods = Replayer_methods,
    .tp_doc = "Replayer(syscall_entry, syscall_exit): turns Batches into sink calls.",
};

/* CRC-32 of this file, from setup.py: engine.stale_core compares it with the _core.c
 * beside the module (0: built some other way, never taken for current). */
#ifndef RENACER_CORE_SOURCE_CRC32
#define RENACER_CORE_SOURCE_CRC32 0UL
#endif

static struct PyModuleDef coremodule = {
    PyModuleDef_HEAD_INIT, "_core",
    "The engine's syscall-stop loop in C (see tracer/engine.py).", -1, NULL,
};

PyMODINIT_FUNC PyInit__core(void) {
    page_size = sysconf(_SC_PAGESIZE);
    if (PyType_Ready(&BatchType) < 0 || PyType_Ready(&CoreType) < 0 ||
        PyType_Ready(&ReplayerType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&coremodule);
    if (m == NULL) return NULL;
    Py_INCREF(&CoreType);
    Py_INCREF(&ReplayerType);
    Py_INCREF(&BatchType);
    if (PyModule_AddObject(m, "Core", (PyObject *)&CoreType) < 0 ||
        PyModule_AddObject(m, "Replayer", (PyObject *)&ReplayerType) < 0 ||
        PyModule_AddObject(m, "Batch", (PyObject *)&BatchType) < 0 ||
        PyModule_AddObject(m, "SOURCE_CRC32",
                           PyLong_FromUnsignedLong(RENACER_CORE_SOURCE_CRC32)) < 0)
        return NULL;
    return m;
}
