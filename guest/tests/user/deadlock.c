/*
 * deadlock <mine> <theirs>: creates channel <mine>, opens <theirs>, and waits to receive on it.
 * Two of them with crossed names wait for each other forever: the kernel must notice and say so.
 */
#include "user_test.h"

int main(int argc, char **argv)
{
    const char *mine = arg_text(argc, argv, 1, "a");
    const char *theirs = arg_text(argc, argv, 2, "b");
    long own = cloak_chan_create(mine);
    long other = cloak_chan_open_wait(theirs);
    printf("deadlock: waiting on %s (handles %ld %ld)\n", theirs, own, other);
    char byte;
    long got = cloak_chan_recv(other, &byte, 1, 0);
    printf("deadlock: woke with %ld\n", got);
    return 0;
}
