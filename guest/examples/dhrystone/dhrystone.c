/*
 * dhrystone: a Dhrystone-like integer workload written for this project
 * (not the original Dhrystone source, and its numbers are not DMIPS).
 *
 * Each iteration walks a ring of records, copies and compares strings,
 * calls small procedures through direct calls and a function-pointer
 * table, switches on an enum, classifies characters and updates a 1-D and
 * a 2-D array. After ITERATIONS iterations it prints a checksum of the
 * whole state and checks a few invariants (exit code 0 if they hold).
 *
 * Stresses calls/returns, short branches, byte and word accesses, struct
 * copies, strcpy/strcmp and the occasional divide.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ITERATIONS
#define ITERATIONS 20000
#endif

#define RING_SIZE 5
#define GRID_SIZE 32

typedef enum { COLOR_RED, COLOR_GREEN, COLOR_BLUE, COLOR_YELLOW } Color;

typedef struct Record {
    struct Record *next;
    Color color;
    int32_t number;
    uint32_t visits;
    char label[32];
} Record;

typedef struct {
    uint32_t letters, digits, spaces, others;
} CharCounts;

static Record ring[RING_SIZE];
static uint32_t line[GRID_SIZE];
static uint32_t grid[GRID_SIZE][GRID_SIZE];
static CharCounts char_counts;
static uint32_t equal_labels, less_labels, greater_labels;

static const char *const templates[4] = {
    "CLOAK GUEST PROGRAM, RECORD ONE",
    "CLOAK GUEST PROGRAM, RECORD TWO",
    "cloak guest program, record 3!!",
    "A shorter label",
};

static Color next_color(Color c)
{
    switch (c) {
    case COLOR_RED:
        return COLOR_GREEN;
    case COLOR_GREEN:
        return COLOR_BLUE;
    case COLOR_BLUE:
        return COLOR_YELLOW;
    default:
        return COLOR_RED;
    }
}

static void __attribute__((noinline)) count_char(CharCounts *counts, char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        counts->letters++;
    else if (ch >= 'a' && ch <= 'z')
        counts->letters++;
    else if (ch >= '0' && ch <= '9')
        counts->digits++;
    else if (ch == ' ')
        counts->spaces++;
    else
        counts->others++;
}

static int32_t __attribute__((noinline)) adjust(Record *r, int32_t amount)
{
    switch (r->color) {
    case COLOR_RED:
        r->number += amount;
        break;
    case COLOR_GREEN:
        r->number -= amount / 3;
        break;
    case COLOR_BLUE:
        r->number ^= amount << 2;
        break;
    case COLOR_YELLOW:
        r->number = r->number / 2 + amount % 7;
        break;
    }
    r->color = next_color(r->color);
    r->visits++;
    return r->number;
}

/* Unsigned so that wrap-around is defined. */
static uint32_t op_add(uint32_t x, uint32_t y) { return x + y; }
static uint32_t op_sub(uint32_t x, uint32_t y) { return x - y; }
static uint32_t op_mix(uint32_t x, uint32_t y) { return (x * 3) ^ y; }
static uint32_t op_max(uint32_t x, uint32_t y) { return x > y ? x : y; }

static uint32_t (*const operations[4])(uint32_t, uint32_t) = { op_add, op_sub, op_mix, op_max };

static void __attribute__((noinline)) update_arrays(int32_t index, uint32_t value)
{
    int32_t row = index % GRID_SIZE;
    int32_t col = (index / GRID_SIZE) % GRID_SIZE;
    line[row] += value;
    grid[row][col] = line[row] - grid[col][row];
    grid[(row + 1) % GRID_SIZE][col] += 1;
}

static void __attribute__((noinline)) relabel(Record *r, uint32_t iteration)
{
    char scratch[32];
    strcpy(scratch, templates[iteration & 3]);
    scratch[iteration % 15] = (char)('a' + iteration % 26);
    int order = strcmp(scratch, r->label);
    if (order == 0)
        equal_labels++;
    else if (order < 0)
        less_labels++;
    else
        greater_labels++;
    strcpy(r->label, scratch);
    count_char(&char_counts, scratch[(iteration * 7) % strlen(scratch)]);
}

int main(void)
{
    for (int i = 0; i < RING_SIZE; i++) {
        ring[i].next = &ring[(i + 1) % RING_SIZE];
        ring[i].color = (Color)(i % 4);
        ring[i].number = i * 11;
        ring[i].visits = 0;
        strcpy(ring[i].label, templates[i % 4]);
    }

    Record *current = &ring[0];
    uint32_t accumulator = 1;
    for (uint32_t it = 0; it < ITERATIONS; it++) {
        uint32_t value = (uint32_t)adjust(current, (int32_t)(it & 1023));
        accumulator = operations[it & 3](accumulator, value);
        if ((it & 7) == 0)
            relabel(current, it);
        update_arrays((int32_t)(it % (GRID_SIZE * GRID_SIZE)), accumulator & 0xFFFF);

        Record copy = *current; /* struct copy */
        copy.number += (int32_t)it;
        if (copy.number > current->next->number)
            current->next->number = (current->next->number + copy.number) / 2;
        current = current->next;
    }

    uint64_t checksum = accumulator;
    uint32_t total_visits = 0;
    for (int i = 0; i < RING_SIZE; i++) {
        total_visits += ring[i].visits;
        checksum = checksum * 1000003u + (uint32_t)ring[i].number + ring[i].color;
        for (const char *p = ring[i].label; *p; p++)
            checksum = checksum * 131 + (uint8_t)*p;
    }
    for (int r = 0; r < GRID_SIZE; r++) {
        checksum = checksum * 31 + line[r];
        for (int c = 0; c < GRID_SIZE; c++)
            checksum = checksum * 31 + grid[r][c];
    }

    uint32_t relabels = equal_labels + less_labels + greater_labels;
    uint32_t counted = char_counts.letters + char_counts.digits + char_counts.spaces +
                       char_counts.others;
    int ok = total_visits == ITERATIONS && relabels == (ITERATIONS + 7) / 8 && counted == relabels;

    printf("iterations %u\n", (unsigned)ITERATIONS);
    printf("labels: %u equal, %u less, %u greater\n", (unsigned)equal_labels,
           (unsigned)less_labels, (unsigned)greater_labels);
    printf("chars: %u letters, %u digits, %u spaces, %u others\n", (unsigned)char_counts.letters,
           (unsigned)char_counts.digits, (unsigned)char_counts.spaces,
           (unsigned)char_counts.others);
    printf("checksum 0x%016llx\n", (unsigned long long)checksum);
    printf("dhrystone: %s\n", ok ? "invariants hold" : "FAILED");
    exit(ok ? 0 : 1);
}
