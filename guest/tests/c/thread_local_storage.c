/*
 * thread_local_storage: picolibc's crt0 points tp at a TLS block built
 * from .tdata (initialised, copied from flash with .data) and .tbss
 * (zeroed); _Thread_local variables are addressed relative to tp (GCC's
 * local-exec model). picolibc itself keeps errno there.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"

static _Thread_local int32_t tls_counter = 41;
static _Thread_local uint64_t tls_big = 0x1122334455667788ull;
static _Thread_local uint8_t tls_zeroed[64];

static void __attribute__((noinline)) bump(void)
{
    tls_counter++;
    tls_big ^= 0xFF;
}

int main(void)
{
    uintptr_t tp;
    __asm__("mv %0, tp" : "=r"(tp));
    uintptr_t counter_address = (uintptr_t)&tls_counter;
    uintptr_t zeroed_address = (uintptr_t)&tls_zeroed[0];
    int in_block = counter_address >= tp && counter_address < tp + 4096 && zeroed_address >= tp &&
                   zeroed_address < tp + 4096;
    printf("TLS variables live just above tp: %s\n", in_block ? "yes" : "no");
    CHECK(in_block);

    printf("initial: counter %d, big %016llx\n", tls_counter, (unsigned long long)tls_big);
    CHECK_EQ(tls_counter, 41);
    int all_zero = 1;
    for (int i = 0; i < 64; i++)
        if (tls_zeroed[i] != 0)
            all_zero = 0;
    printf(".tbss zeroed: %s\n", all_zero ? "yes" : "no");
    CHECK(all_zero);

    bump();
    bump();
    printf("after two bumps: counter %d, big %016llx\n", tls_counter, (unsigned long long)tls_big);
    CHECK_EQ(tls_big, 0x1122334455667788ull);

    errno = 0;
    long value = strtol("99999999999999999999999", NULL, 10);
    printf("strtol overflow: %s, errno is ERANGE: %s\n", value == INT64_MAX ? "LONG_MAX" : "?",
           errno == ERANGE ? "yes" : "no");
    CHECK(errno == ERANGE);
    check_exit(0);
}
