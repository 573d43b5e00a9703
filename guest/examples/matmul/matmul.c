/*
 * matmul: 96x96 int64 matrix multiply.
 *
 * Fills A and B from a linear congruential generator, then ITERATIONS
 * times computes C = A * B and feeds C back as the next A (reduced to
 * small values so products do not just wrap). Every product is verified
 * with Freivalds' check, A*(B*x) == C*x for a fixed vector x, which is
 * computed independently of the triple loop. Prints a checksum of the last
 * C; exit code 0 if every check passed.
 *
 * Stresses mul, 64-bit loads with strided addresses, and loop overhead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef ITERATIONS
#define ITERATIONS 2
#endif

#define N 96

static int64_t a[N][N], b[N][N], c[N][N];

static uint32_t lcg_state = 20240601u;

static int64_t next_small_value(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (int64_t)(lcg_state >> 16) % 2001 - 1000; /* -1000 .. 1000 */
}

static void multiply(int64_t out[N][N], int64_t left[N][N], int64_t right[N][N])
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            out[i][j] = 0;
        for (int k = 0; k < N; k++) {
            int64_t lik = left[i][k];
            for (int j = 0; j < N; j++)
                out[i][j] += lik * right[k][j];
        }
    }
}

static void multiply_vector(int64_t out[N], int64_t m[N][N], const int64_t v[N])
{
    for (int i = 0; i < N; i++) {
        int64_t sum = 0;
        for (int j = 0; j < N; j++)
            sum += m[i][j] * v[j];
        out[i] = sum;
    }
}

/* Freivalds: A*(B*x) must equal C*x. Exact in wrapping int64 arithmetic. */
static int product_is_correct(void)
{
    int64_t x[N], bx[N], abx[N], cx[N];
    for (int i = 0; i < N; i++)
        x[i] = (i * 7) % 13 - 6;
    multiply_vector(bx, b, x);
    multiply_vector(abx, a, bx);
    multiply_vector(cx, c, x);
    for (int i = 0; i < N; i++)
        if (abx[i] != cx[i])
            return 0;
    return 1;
}

int main(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = next_small_value();
            b[i][j] = next_small_value();
        }

    int ok = 1;
    for (int round = 0; round < ITERATIONS; round++) {
        multiply(c, a, b);
        if (!product_is_correct()) {
            printf("round %d: Freivalds check failed\n", round);
            ok = 0;
        }
        /* Next A: C reduced to -1000 .. 1000 (C's % keeps the sign). */
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                a[i][j] = c[i][j] % 1001;
    }

    uint64_t checksum = 0;
    int64_t trace = 0;
    for (int i = 0; i < N; i++) {
        trace += c[i][i];
        for (int j = 0; j < N; j++)
            checksum = (checksum ^ (uint64_t)c[i][j]) * 0x100000001B3ull;
    }
    printf("%dx%d int64 matmul, %d rounds\n", N, N, ITERATIONS);
    printf("c[0][0] = %lld, c[%d][%d] = %lld, trace = %lld\n", (long long)c[0][0], N - 1, N - 1,
           (long long)c[N - 1][N - 1], (long long)trace);
    printf("checksum 0x%016llx\n", (unsigned long long)checksum);
    printf("matmul: %s\n", ok ? "all products verified" : "FAILED");
    exit(ok ? 0 : 1);
}
