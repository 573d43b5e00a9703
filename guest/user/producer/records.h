/* The layout both halves of the producer/consumer example share. */
#ifndef RECORDS_H
#define RECORDS_H
#include <stdint.h>

#define ROUNDS 8
#define RECORDS 256

struct record {
    uint32_t round;
    uint32_t index;
    uint64_t value;
    char text[48];
};

struct ring { struct record records[RECORDS]; };

enum { MSG_SEGMENT = 1, MSG_FILLED, MSG_CHECKED, MSG_DONE, MSG_VERDICT };
struct message { uint32_t kind; uint32_t pad; uint64_t value; };

static inline uint64_t record_value(uint32_t round, uint32_t index)
{
    uint64_t x = ((uint64_t)round << 32 | index) * 0x9E3779B97F4A7C15ull;
    return x ^ (x >> 29);
}
#endif
