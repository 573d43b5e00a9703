/*
 * Helpers shared by the kernel test programs in guest/tests/user/ (each program is one .c file; the
 * C# tests in tests/Cloak.Kernel.Tests start them and read what they print). Everything here is
 * static inline so every program stays a single translation unit.
 */
#ifndef USER_TEST_H
#define USER_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cloak/cloak.h"

#define PAGE_SIZE 4096UL

/* mmap's flag and protection values (Linux's, as the kernel model takes them). */
#define PROT_NONE_ 0
#define PROT_READ_ 1
#define PROT_WRITE_ 2
#define MAP_SHARED_ 0x01
#define MAP_PRIVATE_ 0x02
#define MAP_FIXED_ 0x10
#define MAP_ANONYMOUS_ 0x20

/* An address no program area ever covers (above the data, below the mmap area). */
#define UNMAPPED_ADDRESS 0xdead0000UL

static inline long arg_long(int argc, char **argv, int index, long fallback)
{
    return index < argc ? strtol(argv[index], NULL, 0) : fallback;
}

static inline const char *arg_text(int argc, char **argv, int index, const char *fallback)
{
    return index < argc ? argv[index] : fallback;
}

static inline int arg_is(int argc, char **argv, int index, const char *text)
{
    return index < argc && strcmp(argv[index], text) == 0;
}

static inline void print_hex(const void *bytes, size_t length)
{
    const uint8_t *b = bytes;
    for (size_t i = 0; i < length; i++) printf("%02x", b[i]);
}

/* mmap with every argument explicit; returns the kernel's raw result (an address or -errno). */
static inline long raw_mmap(uintptr_t address, size_t length, long protection, long flags, long fd)
{
    return cloak_syscall6(CLOAK_SYS_MMAP, (long)address, (long)length, protection, flags, fd, 0);
}

static inline long raw_brk(uintptr_t address) { return cloak_syscall1(CLOAK_SYS_BRK, address); }

#endif
