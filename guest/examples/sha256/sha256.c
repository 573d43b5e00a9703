/*
 * sha256: SHA-256 (FIPS 180-4) written for this project.
 *
 * Hashes the three FIPS 180-2 example messages ("abc", the 448-bit
 * message and one million 'a') and prints the digests; the exit code is 0
 * only if all three equal the published values. Then it runs a hash chain
 * of ITERATIONS rounds over a 64 KiB pseudo-random buffer (each round feeds
 * the previous digest back into the buffer) and prints the final digest.
 * The benchmark build raises ITERATIONS.
 *
 * Stresses 32-bit rotates built from shifts (no Zbb), addw/sllw/srlw, byte
 * loads and big-endian packing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ITERATIONS
#define ITERATIONS 4
#endif

#define CHAIN_BUFFER_SIZE (64 * 1024)

typedef struct {
    uint32_t state[8];
    uint64_t total_bytes;
    uint8_t block[64];
    size_t block_used;
} Sha256;

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* First 32 bits of the fractional parts of the square roots of the first 8 primes. */
static const uint32_t initial_state[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void compress(uint32_t state[8], const uint8_t block[64])
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }

    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t++) {
        uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t choose = (e & f) ^ (~e & g);
        uint32_t t1 = h + big_s1 + choose + round_constants[t] + w[t];
        uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = big_s0 + majority;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

static void sha256_init(Sha256 *ctx)
{
    memcpy(ctx->state, initial_state, sizeof ctx->state);
    ctx->total_bytes = 0;
    ctx->block_used = 0;
}

static void sha256_update(Sha256 *ctx, const void *data, size_t length)
{
    const uint8_t *bytes = data;
    ctx->total_bytes += length;
    while (length > 0) {
        if (ctx->block_used == 0 && length >= 64) {
            compress(ctx->state, bytes);
            bytes += 64;
            length -= 64;
            continue;
        }
        size_t take = 64 - ctx->block_used;
        if (take > length)
            take = length;
        memcpy(ctx->block + ctx->block_used, bytes, take);
        ctx->block_used += take;
        bytes += take;
        length -= take;
        if (ctx->block_used == 64) {
            compress(ctx->state, ctx->block);
            ctx->block_used = 0;
        }
    }
}

static void sha256_final(Sha256 *ctx, uint8_t digest[32])
{
    uint64_t bit_length = ctx->total_bytes * 8;
    ctx->block[ctx->block_used++] = 0x80;
    if (ctx->block_used > 56) {
        memset(ctx->block + ctx->block_used, 0, 64 - ctx->block_used);
        compress(ctx->state, ctx->block);
        ctx->block_used = 0;
    }
    memset(ctx->block + ctx->block_used, 0, 56 - ctx->block_used);
    store_be32(ctx->block + 56, (uint32_t)(bit_length >> 32));
    store_be32(ctx->block + 60, (uint32_t)bit_length);
    compress(ctx->state, ctx->block);
    for (int i = 0; i < 8; i++)
        store_be32(digest + 4 * i, ctx->state[i]);
}

static void to_hex(const uint8_t digest[32], char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 15];
    }
    out[64] = '\0';
}

static int check_vector(const char *name, const uint8_t digest[32], const char *expected)
{
    char hex[65];
    to_hex(digest, hex);
    int ok = strcmp(hex, expected) == 0;
    printf("%-10s %s %s\n", name, hex, ok ? "ok" : "MISMATCH");
    return ok;
}

static uint8_t chain_buffer[CHAIN_BUFFER_SIZE];

int main(void)
{
    Sha256 ctx;
    uint8_t digest[32];
    int all_ok = 1;

    sha256_init(&ctx);
    sha256_update(&ctx, "abc", 3);
    sha256_final(&ctx, digest);
    all_ok &= check_vector("abc", digest,
                           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_init(&ctx);
    sha256_update(&ctx, two_blocks, sizeof two_blocks - 1);
    sha256_final(&ctx, digest);
    all_ok &= check_vector("448-bit", digest,
                           "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    /* One million 'a', fed in uneven pieces to exercise the partial-block path. */
    uint8_t piece[1000];
    memset(piece, 'a', sizeof piece);
    sha256_init(&ctx);
    size_t fed = 0;
    for (size_t step = 1; fed < 1000000; step = step % 997 + 1) {
        size_t n = step;
        if (n > 1000000 - fed)
            n = 1000000 - fed;
        sha256_update(&ctx, piece, n);
        fed += n;
    }
    sha256_final(&ctx, digest);
    all_ok &= check_vector("million-a", digest,
                           "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    /* Hash chain over a pseudo-random buffer (xorshift32, fixed seed). */
    uint32_t x = 0x12345678;
    for (size_t i = 0; i < CHAIN_BUFFER_SIZE; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        chain_buffer[i] = (uint8_t)x;
    }
    memset(digest, 0, sizeof digest);
    for (uint32_t round = 0; round < ITERATIONS; round++) {
        memcpy(chain_buffer, digest, sizeof digest);
        store_be32(chain_buffer + 32, round);
        sha256_init(&ctx);
        sha256_update(&ctx, chain_buffer, CHAIN_BUFFER_SIZE);
        sha256_final(&ctx, digest);
    }
    char hex[65];
    to_hex(digest, hex);
    printf("chain of %u x 64 KiB: %s\n", (unsigned)ITERATIONS, hex);

    printf("sha256: %s\n", all_ok ? "all vectors match" : "FAILED");
    exit(all_ok ? 0 : 1);
}
