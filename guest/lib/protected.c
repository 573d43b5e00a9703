/*
 * Runtime support for sealed programs running in encrypted execution mode. All of the program's
 * own memory is encrypted: its image (by trp.enter), its stack (crt0) and, from here, its heap.
 * The kernel can only read and write plain memory, so system calls that carry buffers go through a
 * plain "bounce" buffer: the wrappers copy data out just before a call and back just after. Only
 * what the program explicitly hands to the OS ever lands there.
 */
#include <stdint.h>
#include <string.h>
#include "cloak/cloak.h"
#include "cloak/trp.h"
#include "protected.h"

#define HEAP_RESERVE (64ul * 1024 * 1024)

extern int __cloak_encrypted;
unsigned char *__cloak_bounce;
/* The end of the protected heap reserve (0 when not protected): sbrk never grows the heap past it,
 * or the program's heap would silently continue in plain memory the OS can read. */
uintptr_t __cloak_heap_limit;

void __cloak_protect_process(void);

void __cloak_protect_process(void)
{
    /* The heap grows with brk from here: cover the whole reserve with a private region now. */
    uintptr_t heap = (uintptr_t)cloak_syscall1(CLOAK_SYS_BRK, 0);
    heap = (heap + 4095) & ~(uintptr_t)4095;
    if (cloak_trp_private((void *)heap, HEAP_RESERVE) != CLOAK_TRP_OK) cloak_exit(126);
    __cloak_heap_limit = heap + HEAP_RESERVE;
    long bounce = cloak_syscall6(CLOAK_SYS_MMAP, 0, CLOAK_BOUNCE_SIZE, 3, 0x22, -1, 0);
    if (bounce < 0) cloak_exit(126);
    __cloak_bounce = (unsigned char *)bounce;
}

int cloak_encrypted(void) { return __cloak_encrypted; }

const void *__cloak_out(const void *data, size_t length)
{
    if (!__cloak_encrypted || data == 0) return data;
    memcpy(__cloak_bounce, data, length);
    return __cloak_bounce;
}

void *__cloak_in(void *data)
{
    return __cloak_encrypted && data ? __cloak_bounce : data;
}

void __cloak_copy_back(void *data, long result, size_t capacity)
{
    if (__cloak_encrypted && data && result > 0) memcpy(data, __cloak_bounce, (size_t)result < capacity ? (size_t)result : capacity);
}
