/*
 * sleeper <milliseconds> <label>: sleeps with nanosleep and reports how long it slept in simulated
 * time. Several sleepers started together must wake in the order of their durations.
 */
#include "user_test.h"

int main(int argc, char **argv)
{
    long ms = arg_long(argc, argv, 1, 1);
    const char *label = arg_text(argc, argv, 2, "sleeper");
    printf("%s: sleeping %ld ms\n", label, ms);
    uint64_t start = cloak_now_ns();
    long result = cloak_sleep_ns((uint64_t)ms * 1000000u);
    uint64_t slept = cloak_now_ns() - start;
    printf("%s: woke with %ld after %llu ns\n", label, result, (unsigned long long)slept);
    return result == 0 && slept >= (uint64_t)ms * 1000000u ? 0 : 1;
}
