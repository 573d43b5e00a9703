/*
 * constructors_and_atexit: crt0 runs the init array (constructors, in
 * priority order) before main; exit() runs atexit handlers in reverse
 * order of registration, then the fini array (destructors), then stops
 * the machine with the given status (here 3).
 */
#include <stdio.h>
#include <stdlib.h>

static char startup_order[8];
static int startup_count;

static void __attribute__((constructor(101))) first_constructor(void)
{
    startup_order[startup_count++] = 'A';
}

static void __attribute__((constructor(102))) second_constructor(void)
{
    startup_order[startup_count++] = 'B';
}

static void __attribute__((constructor)) default_constructor(void)
{
    startup_order[startup_count++] = 'C';
}

static void __attribute__((destructor)) destructor(void)
{
    printf("destructor runs after the atexit handlers\n");
}

static void first_registered(void)
{
    printf("atexit handler registered first runs last\n");
}

static void second_registered(void)
{
    printf("atexit handler registered second runs first\n");
}

int main(void)
{
    printf("constructors ran in order: %s\n", startup_order);
    if (atexit(first_registered) != 0 || atexit(second_registered) != 0) {
        printf("atexit failed\n");
        exit(1);
    }
    printf("main calls exit(3)\n");
    exit(3);
}
