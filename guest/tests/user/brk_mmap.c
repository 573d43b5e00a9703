/*
 * brk_mmap [mode]: the heap break and anonymous mappings. Prints the layout first
 * ("layout brk <a> mmap <a> stack <a>"), then one line per check.
 *
 *   brk_mmap                  brk growth and shrinking (a regrown page is zero), mmap and munmap
 *                             including a hole in the middle, a partial length, MAP_FIXED into the
 *                             hole and over live data, separate mappings, and brk refusing to grow
 *                             into a mapping; then "done"
 *   brk_mmap after-munmap     reads a page after unmapping it (killed)
 *   brk_mmap prot-none        reads a PROT_NONE page (killed)
 *   brk_mmap read-only-write  writes a read-only page (killed)
 *   brk_mmap fixed-over-heap  puts a MAP_FIXED mapping over the heap, then grows the break and uses it
 */
#include "user_test.h"

#define ANON (MAP_PRIVATE_ | MAP_ANONYMOUS_)
#define RW (PROT_READ_ | PROT_WRITE_)

static const char *ok(int condition) { return condition ? "ok" : "FAILED"; }

static int heap_checks(uintptr_t b0)
{
    uintptr_t want = b0 + 3 * PAGE_SIZE + 100;
    printf("brk grow = %s\n", ok(raw_brk(want) == (long)want));
    memset((void *)b0, 0x5A, 3 * PAGE_SIZE + 100);
    printf("brk grown memory writable\n");
    printf("brk shrink = %s\n", ok(raw_brk(b0 + PAGE_SIZE) == (long)(b0 + PAGE_SIZE)));
    printf("brk regrow = %s\n", ok(raw_brk(b0 + 3 * PAGE_SIZE) == (long)(b0 + 3 * PAGE_SIZE)));
    printf("brk kept page reads %d\n", ((volatile char *)b0)[0]);
    printf("brk regrown page reads %d\n", ((volatile char *)b0)[2 * PAGE_SIZE]);
    printf("brk shrink to start = %s\n", ok(raw_brk(b0) == (long)b0));
    printf("brk grow from empty = %s\n", ok(raw_brk(b0 + PAGE_SIZE) == (long)(b0 + PAGE_SIZE)));
    printf("brk page after regrowth reads %d\n", ((volatile char *)b0)[0]);
    return 0;
}

static void mapping_checks(uintptr_t b0)
{
    char *p = (char *)raw_mmap(0, 4 * PAGE_SIZE, RW, ANON, -1);
    for (int i = 0; i < 4; i++) memset(p + i * PAGE_SIZE, 'A' + i, PAGE_SIZE);
    printf("munmap middle = %ld\n", cloak_munmap(p + PAGE_SIZE, PAGE_SIZE));
    printf("pages after munmap: %c %c %c\n", p[0], p[2 * PAGE_SIZE], p[3 * PAGE_SIZE]);
    printf("munmap partial length = %ld\n", cloak_munmap(p + 2 * PAGE_SIZE, 100));
    printf("last page after partial munmap: %c\n", p[3 * PAGE_SIZE]);
    long q = raw_mmap((uintptr_t)p + PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED_, -1);
    printf("fixed into hole = %s, reads %d\n", ok(q == (long)p + (long)PAGE_SIZE), p[PAGE_SIZE]);
    q = raw_mmap((uintptr_t)p, PAGE_SIZE, RW, ANON | MAP_FIXED_, -1);
    printf("fixed over data = %s, reads %d\n", ok(q == (long)p), p[0]);

    long x = raw_mmap(0, 2 * PAGE_SIZE, RW, ANON, -1), y = raw_mmap(0, 2 * PAGE_SIZE, RW, ANON, -1);
    printf("separate mappings = %s\n", ok(x > 0 && y > 0 && (x + 2 * (long)PAGE_SIZE <= y || y + 2 * (long)PAGE_SIZE <= x)));
    long ro = raw_mmap(0, PAGE_SIZE, PROT_READ_, ANON, -1);
    printf("read-only page reads %d\n", ((volatile char *)ro)[0]);

    long blocker = raw_mmap(b0 + 2 * PAGE_SIZE, PAGE_SIZE, RW, ANON | MAP_FIXED_, -1);
    long moved = raw_brk(b0 + 4 * PAGE_SIZE);
    printf("brk into a mapping refused = %s\n", ok(blocker == (long)(b0 + 2 * PAGE_SIZE) && moved == (long)(b0 + PAGE_SIZE)));
}

static int fatal(const char *mode)
{
    if (strcmp(mode, "fixed-over-heap") == 0) {
        uintptr_t b0 = (uintptr_t)raw_brk(0);
        raw_brk(b0 + 2 * PAGE_SIZE);
        memset((void *)b0, 1, 2 * PAGE_SIZE);
        long fixed = raw_mmap(b0, 2 * PAGE_SIZE, RW, ANON | MAP_FIXED_, -1);
        long moved = raw_brk(b0 + 4 * PAGE_SIZE);
        printf("fixed over heap = %s, brk after it = %s\n", ok(fixed == (long)b0), moved == (long)(b0 + 4 * PAGE_SIZE) ? "grown" : "refused");
        fflush(stdout);
        if (moved == (long)(b0 + 4 * PAGE_SIZE)) ((volatile char *)b0)[3 * PAGE_SIZE] = 1;
        printf("heap after MAP_FIXED usable\n");
        return 0;
    }
    long protection = strcmp(mode, "prot-none") == 0 ? PROT_NONE_ : strcmp(mode, "read-only-write") == 0 ? PROT_READ_ : RW;
    volatile char *p = (volatile char *)raw_mmap(0, PAGE_SIZE, protection, ANON, -1);
    if (strcmp(mode, "after-munmap") == 0) {
        p[0] = 1;
        cloak_munmap((void *)p, PAGE_SIZE);
    }
    printf("%s: touching %p\n", mode, (void *)p);
    fflush(stdout);
    if (strcmp(mode, "read-only-write") == 0) p[0] = 1;
    else printf("read %d\n", p[0]);
    printf("%s: still alive\n", mode);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = arg_text(argc, argv, 1, "all");
    uintptr_t b0 = (uintptr_t)raw_brk(0);
    void *m = cloak_mmap(PAGE_SIZE);
    int local = 0;
    printf("layout brk 0x%lx mmap %p stack %p\n", (unsigned long)b0, m, (void *)&local);
    if (strcmp(mode, "all") != 0) return fatal(mode);
    heap_checks(b0);
    mapping_checks(b0);
    printf("done\n");
    return 0;
}
