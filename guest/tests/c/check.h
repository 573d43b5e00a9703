/*
 * Tiny self-check helpers shared by the C test programs.
 *
 * A test prints the values it computes (the expected bytes are in
 * <name>.out) and also compares them with values worked out by hand, so a
 * wrong .out cannot go unnoticed: a failed check prints a "FAIL" line and
 * check_exit() then exits with 1 instead of the test's normal exit code.
 */
#ifndef CLOAK_TESTS_CHECK_H
#define CLOAK_TESTS_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures;

static inline void check_true(int condition, const char *what, int line)
{
    if (!condition) {
        printf("FAIL line %d: %s\n", line, what);
        check_failures++;
    }
}

static inline void check_u64(uint64_t actual, uint64_t expected, const char *what, int line)
{
    if (actual != expected) {
        printf("FAIL line %d: %s = 0x%016llx, expected 0x%016llx\n", line, what,
               (unsigned long long)actual, (unsigned long long)expected);
        check_failures++;
    }
}

#define CHECK(condition) check_true((condition) != 0, #condition, __LINE__)
#define CHECK_EQ(actual, expected) \
    check_u64((uint64_t)(actual), (uint64_t)(expected), #actual, __LINE__)

/* Exits with `code` if every check passed, with 1 otherwise. */
static inline void __attribute__((noreturn)) check_exit(int code)
{
    exit(check_failures == 0 ? code : 1);
}

#endif
