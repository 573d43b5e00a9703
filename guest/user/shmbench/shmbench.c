/*
 * Multi-process benchmark for the OS model: a parent puts two matrices in a shared segment and
 * spawns WORKERS-1 copies of itself; all WORKERS processes multiply their share of the rows, over
 * and over, into the same segment, preempted by the timer. The parent then checks every element
 * against a reference computed on its own. Exercises the MMU, TLB, scheduler and shared memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cloak/cloak.h"

#ifndef N
#define N 96
#endif
#ifndef REPEAT
#define REPEAT 90
#endif
#define WORKERS 4

struct shared { int64_t a[N][N], b[N][N], c[N][N]; };

static void multiply_rows(struct shared *s, int first, int count)
{
    for (int i = first; i < first + count; i++)
        for (int j = 0; j < N; j++) {
            int64_t sum = 0;
            for (int k = 0; k < N; k++) sum += s->a[i][k] * s->b[k][j];
            s->c[i][j] = sum;
        }
}

static void work(struct shared *s, int worker)
{
    int rows = N / WORKERS;
    for (int r = 0; r < REPEAT; r++) multiply_rows(s, worker * rows, rows);
}

int main(int argc, char **argv)
{
    if (argc == 3) { /* worker: shmbench <worker> <segment> */
        struct shared *s = cloak_shm_map(atol(argv[2]), NULL, NULL);
        if (!s) return 2;
        work(s, atoi(argv[1]));
        return 0;
    }
    long id = cloak_shm_create(sizeof(struct shared));
    struct shared *s = cloak_shm_map(id, NULL, NULL);
    if (!s) { printf("no shared memory\n"); return 1; }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s->a[i][j] = (i * 31 + j * 17) % 97 - 48;
            s->b[i][j] = (i * 13 + j * 7) % 89 - 44;
        }
    char segment[24];
    snprintf(segment, sizeof segment, "%ld", id);
    for (int w = 1; w < WORKERS; w++) {
        char number[8];
        snprintf(number, sizeof number, "%d", w);
        char *child_argv[] = { "shmbench", number, segment, NULL };
        if (cloak_spawn("shmbench", child_argv) < 0) { printf("spawn failed\n"); return 1; }
    }
    work(s, 0);
    int failed = 0;
    for (int w = 1; w < WORKERS; w++) {
        int code = 0;
        if (cloak_wait(-1, &code) < 0 || code != 0) failed++;
    }
    int64_t checksum = 0, wrong = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int64_t sum = 0;
            for (int k = 0; k < N; k++) sum += s->a[i][k] * s->b[k][j];
            if (sum != s->c[i][j]) wrong++;
            checksum += s->c[i][j] * (i + 1) ^ j;
        }
    printf("%d workers, %dx%d, %d repeats: checksum %lld, %lld wrong, %d failed\n", WORKERS, N, N, REPEAT,
           (long long)checksum, (long long)wrong, failed);
    return wrong == 0 && failed == 0 ? 0 : 1;
}
