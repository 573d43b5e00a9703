/*
 * canary [rounds]: plants a known 16-byte pattern in four places: .data, the heap, the stack and a
 * shared-memory segment (canary k, k = 0..3 in that order, byte i = ((16k + i) * 0x3B + 0x5A) ^ 0xA7).
 * The bytes are computed at run time from a volatile salt, so the pattern is nowhere in the
 * program image. Prints "planted", keeps the patterns for <rounds> rounds of yielding and spinning,
 * then checks them and prints "intact" (or which one changed).
 */
#include "user_test.h"

#define CANARY_SIZE 16

uint8_t canary_data[64] = { 1 };
static volatile uint8_t salt = 0xA7;

static void plant(volatile uint8_t *where, int k)
{
    for (int i = 0; i < CANARY_SIZE; i++) where[i] = (uint8_t)(((16 * k + i) * 0x3B + 0x5A) ^ salt);
}

static int intact(const volatile uint8_t *where, int k)
{
    for (int i = 0; i < CANARY_SIZE; i++)
        if (where[i] != (uint8_t)(((16 * k + i) * 0x3B + 0x5A) ^ salt)) return 0;
    return 1;
}

int main(int argc, char **argv)
{
    long rounds = arg_long(argc, argv, 1, 20);
    volatile uint8_t stack_canary[CANARY_SIZE];
    uint8_t *heap_canary = malloc(64);
    long segment = cloak_shm_create(PAGE_SIZE);
    uint8_t *shm_canary = cloak_shm_map(segment, NULL, NULL);
    if (!heap_canary || !shm_canary) { printf("setup failed\n"); return 1; }

    volatile uint8_t *places[4] = { canary_data, heap_canary, stack_canary, shm_canary };
    static const char *const names[4] = { "data", "heap", "stack", "shm" };
    for (int k = 0; k < 4; k++) plant(places[k], k);
    printf("planted\n");

    volatile uint64_t sink = 0;
    for (long r = 0; r < rounds; r++) {
        cloak_yield();
        for (int i = 0; i < 2000; i++) sink += (uint64_t)i;
    }
    int all = 1;
    for (int k = 0; k < 4; k++)
        if (!intact(places[k], k)) { printf("changed: %s\n", names[k]); all = 0; }
    if (all) printf("intact\n");
    return all ? 0 : 1;
}
