/* Internal: the bounce buffer of protected processes (protected.c). */
#ifndef CLOAK_PROTECTED_INTERNAL_H
#define CLOAK_PROTECTED_INTERNAL_H
#include <stddef.h>

#define CLOAK_BOUNCE_SIZE (64 * 1024)

/* Plain copy of data (or data itself in a plain process). length <= CLOAK_BOUNCE_SIZE. */
const void *__cloak_out(const void *data, size_t length);
/* Where the kernel should write a result meant for data. */
void *__cloak_in(void *data);
/* After the call: copies min(result, capacity) bytes of the kernel's output back into data. */
void __cloak_copy_back(void *data, long result, size_t capacity);
#endif
