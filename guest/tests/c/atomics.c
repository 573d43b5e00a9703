/*
 * atomics: C11 <stdatomic.h> and GCC __atomic builtins on one hart.
 * fetch_add/sub/and/or/xor and exchange compile to AMO instructions
 * (amoadd.w/d, amoand, amoor, amoxor, amoswap), compare-exchange to an
 * lr/sc loop. amomin/amomax[u] have no C operator and are written with
 * inline asm, as is a raw lr.d/sc.d pair and an sc.d without a reservation,
 * which must fail (write nothing, rd = non-zero).
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"

static _Atomic int32_t counter32;
static _Atomic int64_t counter64;
static uint64_t raw_word;
static int32_t minmax_word;

#define AMO_W(name)                                                               \
    static int32_t name(int32_t *address, int32_t value)                          \
    {                                                                             \
        int32_t old;                                                              \
        __asm__ volatile(#name ".w %0, %2, (%1)"                                  \
                         : "=r"(old)                                              \
                         : "r"(address), "r"(value)                               \
                         : "memory");                                             \
        return old;                                                               \
    }
AMO_W(amomin)
AMO_W(amomax)
AMO_W(amominu)
AMO_W(amomaxu)

/* Returns the sc.d status (0 = stored) after lr.d; adds `delta`. */
static uint64_t lr_sc_add(uint64_t *address, uint64_t delta)
{
    uint64_t loaded, status;
    __asm__ volatile("lr.d %0, (%2)\n\t"
                     "add %0, %0, %3\n\t"
                     "sc.d %1, %0, (%2)"
                     : "=&r"(loaded), "=&r"(status)
                     : "r"(address), "r"(delta)
                     : "memory");
    return status;
}

/* An sc.d right after another sc.d has no reservation and must fail. */
static uint64_t sc_without_reservation(uint64_t *address, uint64_t value)
{
    uint64_t status;
    __asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(status) : "r"(address), "r"(value) : "memory");
    return status;
}

int main(void)
{
    atomic_store(&counter32, 10);
    int32_t before = atomic_fetch_add(&counter32, 5);
    printf("fetch_add: old %d new %d\n", before, atomic_load(&counter32));
    CHECK_EQ(before, 10);
    before = atomic_fetch_sub(&counter32, 20);
    printf("fetch_sub: old %d new %d\n", before, atomic_load(&counter32));
    CHECK_EQ(atomic_load(&counter32), -5);

    atomic_store(&counter64, 0x0F0F0F0F0F0F0F0F);
    int64_t old64 = atomic_fetch_and(&counter64, 0x00FF00FF00FF00FF);
    printf("fetch_and: old %016llx new %016llx\n", (unsigned long long)old64,
           (unsigned long long)atomic_load(&counter64));
    old64 = atomic_fetch_or(&counter64, (int64_t)0x8000000000000000ull);
    printf("fetch_or:  old %016llx new %016llx\n", (unsigned long long)old64,
           (unsigned long long)atomic_load(&counter64));
    old64 = atomic_fetch_xor(&counter64, -1);
    printf("fetch_xor: old %016llx new %016llx\n", (unsigned long long)old64,
           (unsigned long long)atomic_load(&counter64));
    CHECK_EQ(atomic_load(&counter64), 0x7FF0FFF0FFF0FFF0);
    old64 = atomic_exchange(&counter64, 42);
    printf("exchange:  old %016llx new %lld\n", (unsigned long long)old64,
           (long long)atomic_load(&counter64));

    int64_t expected = 41;
    int swapped = atomic_compare_exchange_strong(&counter64, &expected, 100);
    printf("cas(41->100) on 42: %s, expected now %lld\n", swapped ? "swapped" : "failed",
           (long long)expected);
    CHECK(!swapped);
    swapped = atomic_compare_exchange_strong(&counter64, &expected, 100);
    printf("cas(42->100) on 42: %s, value %lld\n", swapped ? "swapped" : "failed",
           (long long)atomic_load(&counter64));
    CHECK(swapped);

    int32_t plain = 7;
    int32_t seen = __atomic_add_fetch(&plain, 3, __ATOMIC_SEQ_CST);
    int32_t was = __atomic_exchange_n(&plain, -1, __ATOMIC_ACQ_REL);
    printf("__atomic_add_fetch %d, __atomic_exchange_n old %d new %d\n", seen, was, plain);

    atomic_flag flag = ATOMIC_FLAG_INIT;
    int first = atomic_flag_test_and_set(&flag);
    int second = atomic_flag_test_and_set(&flag);
    atomic_flag_clear(&flag);
    int third = atomic_flag_test_and_set(&flag);
    printf("atomic_flag: %d %d %d\n", first, second, third);
    CHECK(first == 0 && second == 1 && third == 0);

    minmax_word = -5;
    int32_t o1 = amomax(&minmax_word, 3);   /* signed: max(-5, 3) = 3 */
    int32_t o2 = amomin(&minmax_word, -9);  /* min(3, -9) = -9 */
    int32_t o3 = amomaxu(&minmax_word, 1);  /* unsigned: 0xfffffff7 > 1 */
    int32_t o4 = amominu(&minmax_word, 1);  /* unsigned min = 1 */
    printf("amomax/amomin/amomaxu/amominu olds %d %d %d %d, final %d\n", o1, o2, o3, o4,
           minmax_word);
    CHECK(o1 == -5 && o2 == 3 && o3 == -9 && o4 == -9 && minmax_word == 1);

    raw_word = 1000;
    uint64_t status = lr_sc_add(&raw_word, 234);
    printf("lr.d/sc.d: status %llu, value %llu\n", (unsigned long long)status,
           (unsigned long long)raw_word);
    CHECK_EQ(status, 0);
    CHECK_EQ(raw_word, 1234);
    status = sc_without_reservation(&raw_word, 999);
    printf("sc.d without reservation: %s, value %llu\n", status != 0 ? "failed" : "STORED",
           (unsigned long long)raw_word);
    CHECK(status != 0);
    CHECK_EQ(raw_word, 1234);

    atomic_thread_fence(memory_order_seq_cst);
    check_exit(0);
}
