/*
 * setjmp_longjmp: non-local jumps out of nested and recursive calls,
 * longjmp(env, 0) turning into 1, and callee-saved registers (here:
 * volatile locals) surviving the jump.
 */
#include <setjmp.h>
#include <stdio.h>

#include "check.h"

static jmp_buf outer, inner;
static int depth_reached;

static void __attribute__((noinline)) dive(int depth)
{
    depth_reached = depth;
    if (depth == 50)
        longjmp(outer, depth);
    if (depth < 1000)
        dive(depth + 1);
    printf("never printed\n");
}

static void __attribute__((noinline)) jump_with_zero(void)
{
    longjmp(inner, 0);
}

int main(void)
{
    volatile int counter = 0;
    int value = setjmp(outer);
    if (value == 0) {
        counter = 10;
        dive(1);
    }
    printf("returned from depth %d via longjmp(outer, %d), counter %d\n", depth_reached, value,
           counter);
    CHECK_EQ(value, 50);
    CHECK_EQ(counter, 10);

    value = setjmp(inner);
    if (value == 0)
        jump_with_zero();
    printf("longjmp(env, 0) makes setjmp return %d\n", value);
    CHECK_EQ(value, 1);

    /* Jump back into the same setjmp several times. */
    volatile int loops = 0;
    value = setjmp(outer);
    loops++;
    if (value < 5)
        longjmp(outer, value + 1);
    printf("setjmp returned 0..5, body ran %d times\n", loops);
    CHECK_EQ(loops, 6);

    check_exit(0);
}
