/*
 * libcloak: the runtime of user processes on Cloak's OS model (docs/abi.md). It provides the
 * process entry point (crt0), stdio on top of write/read, a brk-based sbrk for malloc, and
 * wrappers for every system call. Wrappers return the kernel's result: >= 0 on success,
 * -CLOAK_E* on failure.
 */
#ifndef CLOAK_H
#define CLOAK_H

#include <stddef.h>
#include <stdint.h>
#include "cloak/syscall.h"

long cloak_write(int fd, const void *buffer, size_t length);
long cloak_read(int fd, void *buffer, size_t length);
long cloak_getpid(void);
long cloak_getppid(void);
long cloak_yield(void);
long cloak_sleep_ns(uint64_t nanoseconds);
uint64_t cloak_now_ns(void);
/* Waits for a child (pid, or -1 for any); stores its exit code or 128 + signal in *code. */
long cloak_wait(long pid, int *code);
long cloak_wait_nohang(long pid, int *code);
/* Starts a program the kernel knows by name (the file name given to `cloak run` without .elf). */
long cloak_spawn(const char *name, char *const argv[]);
void *cloak_mmap(size_t length);
long cloak_munmap(void *address, size_t length);

long cloak_shm_create(size_t size);
/* Maps segment id at an address the kernel chooses; NULL on failure (*error gets -errno if given). */
void *cloak_shm_map(long id, size_t *size, long *error);
long cloak_shm_unmap(void *address);
long cloak_shm_destroy(long id);

long cloak_chan_create(const char *name);
long cloak_chan_open(const char *name);
/* Opens a channel, retrying (yielding) until its creator has made it. */
long cloak_chan_open_wait(const char *name);
long cloak_chan_send(long handle, const void *buffer, size_t length);
long cloak_chan_recv(long handle, void *buffer, size_t capacity, int flags);
long cloak_chan_close(long handle);

/*
 * Posts a note for the OS's observers (event traces, timelines, reports): "topic" and "text", at
 * most CLOAK_NOTE_MAX bytes together (longer text is cut). As public as console output: never put a
 * secret in a note. libcloak's sharing functions announce each protocol step this way.
 */
long cloak_note(const char *topic, const char *text);

_Noreturn void cloak_exit(int code);

/* 1 when the process runs in encrypted execution mode (a sealed program the chip entered). */
int cloak_encrypted(void);

/*
 * Marks a variable the vendor fills at sealing time (`cloak seal --provision SYMBOL=FILE`), e.g. a
 * key given in advance: it stays zero in the plain ELF and holds FILE's bytes in the sealed copy
 * only. It puts the variable in initialised data (a zero array would otherwise go to .bss, which an
 * image has no bytes for) and keeps it when unused. Example:
 *   uint8_t cloak_common_key[CLOAK_KEY_SIZE] CLOAK_PROVISIONED;
 */
#define CLOAK_PROVISIONED __attribute__((section(".data.cloak_provision"), used))

#endif
