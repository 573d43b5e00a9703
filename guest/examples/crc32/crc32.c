/*
 * crc32: CRC-32 as used by Ethernet, zlib and PNG (reflected polynomial
 * 0xEDB88320, initial value and final xor 0xFFFFFFFF).
 *
 * Computes the CRC of the standard check string "123456789" (0xCBF43926)
 * bit by bit and with a 256-entry table, then ITERATIONS times over a
 * 256 KiB pseudo-random buffer with the table method, feeding each CRC
 * into the next buffer. The bitwise method re-checks the first round.
 * Exit code 0 if all checks pass.
 *
 * Stresses byte loads, table lookups (indexed loads), shifts and xors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef ITERATIONS
#define ITERATIONS 2
#endif

#define BUFFER_SIZE (256 * 1024)

static uint32_t table[256];
static uint8_t buffer[BUFFER_SIZE];

static uint32_t crc32_bitwise(const uint8_t *data, size_t length)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < length; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void build_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int bit = 0; bit < 8; bit++)
            c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        table[n] = c;
    }
}

static uint32_t crc32_table(const uint8_t *data, size_t length)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < length; i++)
        crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

int main(void)
{
    build_table();
    int ok = 1;

    static const uint8_t check[] = "123456789";
    uint32_t by_bits = crc32_bitwise(check, 9);
    uint32_t by_table = crc32_table(check, 9);
    printf("crc32(\"123456789\") = 0x%08x (bitwise), 0x%08x (table)\n", (unsigned)by_bits,
           (unsigned)by_table);
    ok = ok && by_bits == 0xCBF43926u && by_table == 0xCBF43926u;
    printf("table[1] = 0x%08x, table[255] = 0x%08x\n", (unsigned)table[1], (unsigned)table[255]);

    uint32_t x = 0xC0FFEE11u;
    for (size_t i = 0; i < BUFFER_SIZE; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buffer[i] = (uint8_t)(x >> 24);
    }

    uint32_t crc = 0;
    for (unsigned round = 0; round < ITERATIONS; round++) {
        buffer[round % BUFFER_SIZE] ^= (uint8_t)crc;
        crc = crc32_table(buffer, BUFFER_SIZE);
        if (round == 0 && crc != crc32_bitwise(buffer, BUFFER_SIZE)) {
            printf("round 0: table and bitwise CRCs differ\n");
            ok = 0;
        }
    }
    printf("crc32 chain over %u x 256 KiB = 0x%08x\n", (unsigned)ITERATIONS, (unsigned)crc);
    printf("crc32: %s\n", ok ? "all checks pass" : "FAILED");
    exit(ok ? 0 : 1);
}
