/*
 * spawner: starts children by name and reports how each ended, as wait reports it (exit code, or
 * 128 + signal for a child the kernel killed).
 *
 *   spawner               a child exiting with 7, a segfaulting and an illegal-instruction child,
 *                         one unknown program; waits for each; "reaped <what> pid <p> code <c>"
 *   spawner child <code>  prints its parent's pid and exits with <code>
 *   spawner reaped        reaps its only child, then waits again ("wait ... = <result>")
 *   spawner orphan        starts "spawner orphan-child" and exits at once
 *   spawner orphan-child  waits a while, then prints its parent pid (0 once orphaned)
 */
#include "user_test.h"

static long spawn_self(const char *mode, const char *argument)
{
    char *argv[] = { "spawner", (char *)mode, (char *)argument, NULL };
    return cloak_spawn("spawner", argv);
}

static const char *name_of(long pid, long child7, long segv, long ill)
{
    return pid == child7 ? "exit7" : pid == segv ? "segfault" : pid == ill ? "illegal" : "unknown";
}

int main(int argc, char **argv)
{
    if (arg_is(argc, argv, 1, "child")) {
        int code = (int)arg_long(argc, argv, 2, 0);
        printf("child %ld of %ld exiting with %d\n", cloak_getpid(), cloak_getppid(), code);
        return code;
    }
    if (arg_is(argc, argv, 1, "reaped")) {
        long child = spawn_self("child", "3");
        int code = -1;
        long reaped = cloak_wait(child, &code);
        printf("reaped child %ld code %d\n", reaped == child ? 1L : reaped, code);
        printf("wait nohang after reaping = %ld\n", cloak_wait_nohang(-1, &code));
        printf("wait for the reaped pid = %ld\n", cloak_wait(child, &code));
        printf("wait after reaping = %ld\n", cloak_wait(-1, &code));
        return 0;
    }
    if (arg_is(argc, argv, 1, "orphan")) {
        printf("orphan parent: started child %ld\n", spawn_self("orphan-child", NULL));
        return 0;
    }
    if (arg_is(argc, argv, 1, "orphan-child")) {
        printf("orphan child: parent %ld\n", cloak_getppid());
        for (int i = 0; i < 10; i++) cloak_yield();
        printf("orphan child: parent now %ld\n", cloak_getppid());
        return 0;
    }

    long child7 = spawn_self("child", "7");
    long segv = cloak_spawn("segfault", NULL);
    long ill = cloak_spawn("illegal", NULL);
    printf("spawned %s %s %s\n", child7 > 0 ? "exit7" : "-", segv > 0 ? "segfault" : "-", ill > 0 ? "illegal" : "-");
    printf("spawn unknown = %ld\n", cloak_spawn("no-such-program", NULL));
    int code = -1;
    printf("wait nohang while running = %ld\n", cloak_wait_nohang(-1, &code));
    long pid = cloak_wait(child7, &code);
    printf("reaped %s pid %s code %d\n", name_of(pid, child7, segv, ill), pid == child7 ? "ok" : "WRONG", code);
    for (int i = 0; i < 2; i++) {
        pid = cloak_wait(-1, &code);
        printf("reaped %s code %d\n", name_of(pid, child7, segv, ill), code);
    }
    printf("all children reaped\n");
    return 0;
}
