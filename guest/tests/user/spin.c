/*
 * spin <iterations> [reports]: burns a fixed amount of work with no system calls except a progress
 * line at each of <reports> evenly spaced points ("spin <pid>: <k>/<reports>"), then "spin <pid>:
 * done". Several spinners side by side show how fairly the scheduler shares the hart.
 */
#include "user_test.h"

int main(int argc, char **argv)
{
    long iterations = arg_long(argc, argv, 1, 1000000);
    long reports = arg_long(argc, argv, 2, 4);
    if (reports < 1) reports = 1;
    long pid = cloak_getpid();
    long step = iterations / reports;
    volatile uint64_t sink = 0;
    for (long r = 1; r <= reports; r++) {
        for (long i = 0; i < step; i++) sink += (uint64_t)i;
        printf("spin %ld: %ld/%ld\n", pid, r, reports);
    }
    printf("spin %ld: done\n", pid);
    return 0;
}
