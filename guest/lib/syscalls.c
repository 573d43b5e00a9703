/* System call wrappers and the C library's operating-system hooks (_exit, sbrk). */
#include <string.h>
#include <stdint.h>
#include "cloak/cloak.h"
#include "protected.h"

void __cloak_flush_stdout(void);

struct timespec64 { int64_t seconds; int64_t nanoseconds; };

long cloak_write(int fd, const void *buffer, size_t length)
{
    size_t done = 0;
    while (done < length) {
        size_t n = length - done < CLOAK_BOUNCE_SIZE ? length - done : CLOAK_BOUNCE_SIZE;
        long r = cloak_syscall3(CLOAK_SYS_WRITE, fd, __cloak_out((const char *)buffer + done, n), n);
        if (r < 0) return done ? (long)done : r;
        done += (size_t)r;
        if ((size_t)r < n) break;
    }
    return (long)done;
}

long cloak_read(int fd, void *buffer, size_t length)
{
    if (length > CLOAK_BOUNCE_SIZE) length = CLOAK_BOUNCE_SIZE;
    long r = cloak_syscall3(CLOAK_SYS_READ, fd, __cloak_in(buffer), length);
    __cloak_copy_back(buffer, r, length);
    return r;
}
long cloak_note(const char *topic, const char *text)
{
    char note[CLOAK_NOTE_MAX];
    size_t t = strlen(topic), n = strlen(text);
    if (t > CLOAK_NOTE_MAX / 2) t = CLOAK_NOTE_MAX / 2;
    if (t + 1 + n > CLOAK_NOTE_MAX) n = CLOAK_NOTE_MAX - t - 1;
    memcpy(note, topic, t);
    note[t] = '\t';
    memcpy(note + t + 1, text, n);
    return cloak_syscall2(CLOAK_SYS_NOTE, __cloak_out(note, t + 1 + n), t + 1 + n);
}

long cloak_getpid(void) { return cloak_syscall0(CLOAK_SYS_GET_PID); }
long cloak_getppid(void) { return cloak_syscall0(CLOAK_SYS_GET_PPID); }
long cloak_yield(void) { return cloak_syscall0(CLOAK_SYS_SCHED_YIELD); }

long cloak_sleep_ns(uint64_t nanoseconds)
{
    struct timespec64 t = { (int64_t)(nanoseconds / 1000000000u), (int64_t)(nanoseconds % 1000000000u) };
    return cloak_syscall2(CLOAK_SYS_NANO_SLEEP, __cloak_out(&t, sizeof t), 0);
}

uint64_t cloak_now_ns(void)
{
    struct timespec64 t;
    long r = cloak_syscall2(CLOAK_SYS_CLOCK_GET_TIME, 1 /* CLOCK_MONOTONIC */, __cloak_in(&t));
    if (r != 0) return 0;
    __cloak_copy_back(&t, sizeof t, sizeof t);
    return (uint64_t)t.seconds * 1000000000u + (uint64_t)t.nanoseconds;
}

static long wait_for(long pid, int *code, long options)
{
    int status = 0;
    long result = cloak_syscall4(CLOAK_SYS_WAIT4, pid, __cloak_in(&status), options, 0);
    if (result > 0) __cloak_copy_back(&status, sizeof status, sizeof status);
    if (result > 0 && code) *code = (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
    return result;
}

long cloak_wait(long pid, int *code) { return wait_for(pid, code, 0); }
long cloak_wait_nohang(long pid, int *code) { return wait_for(pid, code, 1); }

long cloak_spawn(const char *name, char *const argv[])
{
    if (!cloak_encrypted()) return cloak_syscall3(CLOAK_SYS_SPAWN, name, strlen(name), argv);
    /* Pack the name and the argument vector into one plain block: name, pointers, strings. */
    char block[4096];
    size_t name_length = strlen(name), count = 0, used;
    while (argv && argv[count]) count++;
    if (count > 32) return -CLOAK_EINVAL;
    char **pointers = (char **)(block + ((name_length + 8) & ~(size_t)7));
    used = (size_t)((char *)(pointers + count + 1) - block);
    if (used > sizeof block) return -CLOAK_EINVAL;
    memcpy(block, name, name_length + 1);
    const unsigned char *plain = __cloak_out(block, 0); /* the bounce buffer's address */
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(argv[i]) + 1;
        if (used + n > sizeof block) return -CLOAK_EINVAL;
        memcpy(block + used, argv[i], n);
        pointers[i] = (char *)plain + used;
        used += n;
    }
    pointers[count] = 0;
    const unsigned char *copy = __cloak_out(block, used);
    return cloak_syscall3(CLOAK_SYS_SPAWN, copy, name_length, argv ? copy + ((char *)pointers - block) : 0);
}

void *cloak_mmap(size_t length)
{
    long result = cloak_syscall6(CLOAK_SYS_MMAP, 0, (long)length, 3 /* read | write */, 0x22 /* private | anonymous */, -1, 0);
    return result < 0 ? NULL : (void *)result;
}

long cloak_munmap(void *address, size_t length) { return cloak_syscall2(CLOAK_SYS_MUNMAP, address, length); }

long cloak_shm_create(size_t size) { return cloak_syscall1(CLOAK_SYS_SHM_CREATE, size); }

void *cloak_shm_map(long id, size_t *size, long *error)
{
    long result = cloak_syscall2(CLOAK_SYS_SHM_MAP, id, __cloak_in(size));
    if (result >= 0 && size) __cloak_copy_back(size, sizeof *size, sizeof *size);
    if (error) *error = result < 0 ? result : 0;
    return result < 0 ? NULL : (void *)result;
}

long cloak_shm_unmap(void *address) { return cloak_syscall1(CLOAK_SYS_SHM_UNMAP, address); }
long cloak_shm_destroy(long id) { return cloak_syscall1(CLOAK_SYS_SHM_DESTROY, id); }
long cloak_chan_create(const char *name) { return cloak_syscall2(CLOAK_SYS_CHAN_CREATE, __cloak_out(name, strlen(name)), strlen(name)); }
long cloak_chan_open(const char *name) { return cloak_syscall2(CLOAK_SYS_CHAN_OPEN, __cloak_out(name, strlen(name)), strlen(name)); }

long cloak_chan_open_wait(const char *name)
{
    for (;;) {
        long handle = cloak_chan_open(name);
        if (handle != -CLOAK_ENOENT) return handle;
        cloak_yield();
    }
}

long cloak_chan_send(long handle, const void *buffer, size_t length)
{
    if (cloak_encrypted() && length > CLOAK_BOUNCE_SIZE) return -CLOAK_EMSGSIZE;
    return cloak_syscall3(CLOAK_SYS_CHAN_SEND, handle, __cloak_out(buffer, length), length);
}

long cloak_chan_recv(long handle, void *buffer, size_t capacity, int flags)
{
    if (cloak_encrypted() && capacity > CLOAK_BOUNCE_SIZE) capacity = CLOAK_BOUNCE_SIZE;
    long r = cloak_syscall4(CLOAK_SYS_CHAN_RECV, handle, __cloak_in(buffer), capacity, flags);
    __cloak_copy_back(buffer, r, capacity);
    return r;
}
long cloak_chan_close(long handle) { return cloak_syscall1(CLOAK_SYS_CHAN_CLOSE, handle); }

_Noreturn void cloak_exit(int code)
{
    __cloak_flush_stdout();
    for (;;) cloak_syscall1(CLOAK_SYS_EXIT_GROUP, code);
}

/* picolibc's exit() ends here after atexit handlers and destructors. */
_Noreturn void _exit(int code);
_Noreturn void _exit(int code) { cloak_exit(code); }

/* malloc's memory: the heap grows with brk (in a protected process, only within its encrypted reserve). */
extern uintptr_t __cloak_heap_limit;
void *sbrk(ptrdiff_t increment);
void *sbrk(ptrdiff_t increment)
{
    static uintptr_t current;
    if (current == 0) current = (uintptr_t)cloak_syscall1(CLOAK_SYS_BRK, 0);
    uintptr_t wanted = current + (uintptr_t)increment;
    if (__cloak_heap_limit && wanted > __cloak_heap_limit) return (void *)-1; /* out of protected heap: ENOMEM */
    if ((uintptr_t)cloak_syscall1(CLOAK_SYS_BRK, wanted) != wanted) return (void *)-1;
    uintptr_t old = current;
    current = wanted;
    return (void *)old;
}
