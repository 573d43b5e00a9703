/*
 * syscall_abuse: every system call with bad pointers, lengths, ids, handles and flags. Prints one
 * line "<case> <result>" per call (the kernel's raw a0); the test holds the expected -errno of each
 * case. Nothing here may make the simulator fail: bad arguments are error returns.
 *
 *   syscall_abuse                   the table below, then "done"
 *   syscall_abuse mmap-fixed-wrap   MAP_FIXED at the last page of the 64-bit address space
 */
#include "user_test.h"

#define SYS0(n) cloak_syscall6((n), 0, 0, 0, 0, 0, 0)
#define SYS(n, a, b, c, d, e, f) cloak_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define REPORT(name, expr) printf("%s %ld\n", (name), (long)(expr))

#define KERNEL_ADDRESS 0xffffffff80000000UL
#define WRAPPING_ADDRESS 0xfffffffffffffff0UL
#define TOP_PAGE 0xfffffffffffff000UL
#define USER_TOP 0x4000000000UL

static char buffer[256];
static char *too_many[67];

struct timespec64 { int64_t seconds; int64_t nanoseconds; };

static void io_calls(char *none, char *read_only, char *tail)
{
    REPORT("write_bad_fd", SYS(CLOAK_SYS_WRITE, 5, buffer, 1, 0, 0, 0));
    REPORT("write_to_stdin", SYS(CLOAK_SYS_WRITE, 0, buffer, 1, 0, 0, 0));
    REPORT("write_negative_fd", SYS(CLOAK_SYS_WRITE, -1, buffer, 1, 0, 0, 0));
    REPORT("write_null", SYS(CLOAK_SYS_WRITE, 1, 0, 10, 0, 0, 0));
    REPORT("write_unmapped", SYS(CLOAK_SYS_WRITE, 1, UNMAPPED_ADDRESS, 10, 0, 0, 0));
    REPORT("write_kernel_address", SYS(CLOAK_SYS_WRITE, 1, KERNEL_ADDRESS, 4, 0, 0, 0));
    REPORT("write_wrapping", SYS(CLOAK_SYS_WRITE, 1, WRAPPING_ADDRESS, 0x20, 0, 0, 0));
    REPORT("write_prot_none", SYS(CLOAK_SYS_WRITE, 1, none, 4, 0, 0, 0));
    REPORT("write_past_mapping_end", SYS(CLOAK_SYS_WRITE, 1, tail + PAGE_SIZE - 6, 10, 0, 0, 0));
    REPORT("write_null_zero_length", SYS(CLOAK_SYS_WRITE, 1, 0, 0, 0, 0, 0));
    REPORT("write_huge_length", SYS(CLOAK_SYS_WRITE, 1, buffer, 1L << 40, 0, 0, 0));
    REPORT("read_bad_fd", SYS(CLOAK_SYS_READ, 1, buffer, 1, 0, 0, 0));
    REPORT("read_null", SYS(CLOAK_SYS_READ, 0, 0, 4, 0, 0, 0));
    REPORT("read_into_text", SYS(CLOAK_SYS_READ, 0, (uintptr_t)&io_calls, 4, 0, 0, 0));
    REPORT("read_into_read_only", SYS(CLOAK_SYS_READ, 0, read_only, 4, 0, 0, 0));
    REPORT("read_zero_length", SYS(CLOAK_SYS_READ, 0, 0, 0, 0, 0, 0));
}

static void time_calls(void)
{
    struct timespec64 t;
    REPORT("clock_bad_id", SYS(CLOAK_SYS_CLOCK_GET_TIME, 99, &t, 0, 0, 0, 0));
    REPORT("clock_negative_id", SYS(CLOAK_SYS_CLOCK_GET_TIME, -1, &t, 0, 0, 0, 0));
    REPORT("clock_null", SYS(CLOAK_SYS_CLOCK_GET_TIME, 1, 0, 0, 0, 0, 0));
    REPORT("clock_into_text", SYS(CLOAK_SYS_CLOCK_GET_TIME, 0, (uintptr_t)&time_calls, 0, 0, 0, 0));
    REPORT("clock_ok", SYS(CLOAK_SYS_CLOCK_GET_TIME, 1, &t, 0, 0, 0, 0));
    REPORT("sleep_null", SYS(CLOAK_SYS_NANO_SLEEP, 0, 0, 0, 0, 0, 0));
    REPORT("sleep_unmapped", SYS(CLOAK_SYS_NANO_SLEEP, UNMAPPED_ADDRESS, 0, 0, 0, 0, 0));
    t = (struct timespec64){ -1, 0 };
    REPORT("sleep_negative_seconds", SYS(CLOAK_SYS_NANO_SLEEP, &t, 0, 0, 0, 0, 0));
    t = (struct timespec64){ 0, 1000000000 };
    REPORT("sleep_nanoseconds_too_big", SYS(CLOAK_SYS_NANO_SLEEP, &t, 0, 0, 0, 0, 0));
    t = (struct timespec64){ 0, -5 };
    REPORT("sleep_negative_nanoseconds", SYS(CLOAK_SYS_NANO_SLEEP, &t, 0, 0, 0, 0, 0));
    t = (struct timespec64){ 0, 0 };
    REPORT("sleep_zero", SYS(CLOAK_SYS_NANO_SLEEP, &t, 0, 0, 0, 0, 0));
}

static void memory_calls(char *shared)
{
    long start = raw_brk(0);
    REPORT("brk_query_is_page_aligned", (start & 0xFFF) == 0);
    REPORT("brk_below_start_keeps_break", raw_brk(1) == start);
    REPORT("brk_huge_keeps_break", raw_brk(1UL << 62) == start);
    REPORT("brk_beyond_max_heap_keeps_break", raw_brk((uintptr_t)start + (2UL << 30)) == start);

    REPORT("mmap_not_anonymous", raw_mmap(0, PAGE_SIZE, 3, MAP_PRIVATE_, -1));
    REPORT("mmap_with_fd", raw_mmap(0, PAGE_SIZE, 3, MAP_PRIVATE_ | MAP_ANONYMOUS_, 3));
    REPORT("mmap_neither_shared_nor_private", raw_mmap(0, PAGE_SIZE, 3, MAP_ANONYMOUS_, -1));
    REPORT("mmap_zero_length", raw_mmap(0, 0, 3, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1));
    REPORT("mmap_length_over_4g", raw_mmap(0, 1UL << 33, 3, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1));
    REPORT("mmap_length_minus_one", raw_mmap(0, (size_t)-1, 3, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1));
    REPORT("mmap_bad_protection", raw_mmap(0, PAGE_SIZE, 8, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1));
    REPORT("mmap_fixed_unaligned", raw_mmap(0x30000001UL, PAGE_SIZE, 3, MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_FIXED_, -1));
    REPORT("mmap_fixed_below_program_area", raw_mmap(0x1000, PAGE_SIZE, 3, MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_FIXED_, -1));
    REPORT("mmap_fixed_at_user_top", raw_mmap(USER_TOP, PAGE_SIZE, 3, MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_FIXED_, -1));
    REPORT("mmap_fixed_across_user_top", raw_mmap(USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE, 3, MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_FIXED_, -1));

    REPORT("munmap_unaligned", SYS(CLOAK_SYS_MUNMAP, 0x30000001UL, PAGE_SIZE, 0, 0, 0, 0));
    REPORT("munmap_zero_length", SYS(CLOAK_SYS_MUNMAP, 0x30000000UL, 0, 0, 0, 0, 0));
    REPORT("munmap_wrapping", SYS(CLOAK_SYS_MUNMAP, TOP_PAGE, 2 * PAGE_SIZE, 0, 0, 0, 0));
    REPORT("munmap_above_user_top", SYS(CLOAK_SYS_MUNMAP, USER_TOP, PAGE_SIZE, 0, 0, 0, 0));
    REPORT("munmap_nothing_mapped", SYS(CLOAK_SYS_MUNMAP, 0x30000000UL, PAGE_SIZE, 0, 0, 0, 0));
    REPORT("munmap_shared_segment", SYS(CLOAK_SYS_MUNMAP, shared, PAGE_SIZE, 0, 0, 0, 0));
}

static void process_calls(void)
{
    int status = 0;
    REPORT("wait_no_children", SYS(CLOAK_SYS_WAIT4, -1, &status, 0, 0, 0, 0));
    REPORT("wait_nohang_no_children", SYS(CLOAK_SYS_WAIT4, -1, &status, 1, 0, 0, 0));
    REPORT("wait_unknown_pid", SYS(CLOAK_SYS_WAIT4, 4242, &status, 0, 0, 0, 0));
    REPORT("wait_bad_options", SYS(CLOAK_SYS_WAIT4, -1, &status, 2, 0, 0, 0));
    REPORT("wait_pid_zero", SYS(CLOAK_SYS_WAIT4, 0, &status, 0, 0, 0, 0));
    REPORT("wait_process_group", SYS(CLOAK_SYS_WAIT4, -2, &status, 0, 0, 0, 0));

    REPORT("spawn_unknown", SYS(CLOAK_SYS_SPAWN, "no-such-program", 15, 0, 0, 0, 0));
    REPORT("spawn_empty_name", SYS(CLOAK_SYS_SPAWN, buffer, 0, 0, 0, 0, 0));
    REPORT("spawn_name_unmapped", SYS(CLOAK_SYS_SPAWN, UNMAPPED_ADDRESS, 5, 0, 0, 0, 0));
    REPORT("spawn_name_too_long", SYS(CLOAK_SYS_SPAWN, buffer, 300, 0, 0, 0, 0));
    REPORT("spawn_argv_unmapped", SYS(CLOAK_SYS_SPAWN, "hello", 5, UNMAPPED_ADDRESS, 0, 0, 0));
    char *bad_entry[] = { (char *)UNMAPPED_ADDRESS, NULL };
    REPORT("spawn_argv_entry_unmapped", SYS(CLOAK_SYS_SPAWN, "hello", 5, bad_entry, 0, 0, 0));
    for (int i = 0; i < 66; i++) too_many[i] = "x";
    too_many[66] = NULL;
    REPORT("spawn_too_many_arguments", SYS(CLOAK_SYS_SPAWN, "hello", 5, too_many, 0, 0, 0));

    REPORT("unknown_syscall", SYS0(9999));
    REPORT("unknown_cloak_syscall", SYS0(0x10FF));
    REPORT("huge_syscall_number", SYS0(-1L));
    REPORT("getppid_of_first_process", SYS0(CLOAK_SYS_GET_PPID));
}

static void shm_calls(void)
{
    REPORT("shm_create_zero", SYS(CLOAK_SYS_SHM_CREATE, 0, 0, 0, 0, 0, 0));
    REPORT("shm_create_over_1g", SYS(CLOAK_SYS_SHM_CREATE, (1UL << 30) + 1, 0, 0, 0, 0, 0));
    REPORT("shm_create_minus_one", SYS(CLOAK_SYS_SHM_CREATE, -1, 0, 0, 0, 0, 0));
    REPORT("shm_map_unknown", SYS(CLOAK_SYS_SHM_MAP, 9999, 0, 0, 0, 0, 0));
    REPORT("shm_map_negative", SYS(CLOAK_SYS_SHM_MAP, -1, 0, 0, 0, 0, 0));
    long id = SYS(CLOAK_SYS_SHM_CREATE, 100, 0, 0, 0, 0, 0);
    REPORT("shm_map_size_unmapped", SYS(CLOAK_SYS_SHM_MAP, id, UNMAPPED_ADDRESS, 0, 0, 0, 0));
    REPORT("shm_map_size_read_only", SYS(CLOAK_SYS_SHM_MAP, id, (uintptr_t)&shm_calls, 0, 0, 0, 0));
    REPORT("shm_unmap_not_mapped", SYS(CLOAK_SYS_SHM_UNMAP, 0x30000000UL, 0, 0, 0, 0, 0));
    REPORT("shm_unmap_heap", SYS(CLOAK_SYS_SHM_UNMAP, raw_brk(0), 0, 0, 0, 0, 0));
    REPORT("shm_destroy_unknown", SYS(CLOAK_SYS_SHM_DESTROY, 9999, 0, 0, 0, 0, 0));
    REPORT("shm_destroy_negative", SYS(CLOAK_SYS_SHM_DESTROY, -1, 0, 0, 0, 0, 0));
    REPORT("shm_destroy_once", SYS(CLOAK_SYS_SHM_DESTROY, id, 0, 0, 0, 0, 0));
    REPORT("shm_destroy_twice", SYS(CLOAK_SYS_SHM_DESTROY, id, 0, 0, 0, 0, 0));
    REPORT("shm_map_destroyed", SYS(CLOAK_SYS_SHM_MAP, id, 0, 0, 0, 0, 0));
}

static void channel_calls(void)
{
    char name[80];
    memset(name, 'n', sizeof name);
    REPORT("chan_create_empty_name", SYS(CLOAK_SYS_CHAN_CREATE, name, 0, 0, 0, 0, 0));
    REPORT("chan_create_name_too_long", SYS(CLOAK_SYS_CHAN_CREATE, name, 65, 0, 0, 0, 0));
    REPORT("chan_create_name_unmapped", SYS(CLOAK_SYS_CHAN_CREATE, UNMAPPED_ADDRESS, 4, 0, 0, 0, 0));
    REPORT("chan_create_name_64_bytes", SYS(CLOAK_SYS_CHAN_CREATE, name, 64, 0, 0, 0, 0) >= 3);
    long handle = cloak_chan_create("abuse");
    REPORT("chan_create_duplicate", cloak_chan_create("abuse"));
    REPORT("chan_open_missing", cloak_chan_open("abuse-missing"));
    REPORT("chan_open_name_unmapped", SYS(CLOAK_SYS_CHAN_OPEN, UNMAPPED_ADDRESS, 4, 0, 0, 0, 0));
    REPORT("chan_open_name_too_long", SYS(CLOAK_SYS_CHAN_OPEN, name, 65, 0, 0, 0, 0));
    long other = cloak_chan_open("abuse");
    REPORT("chan_open_first", other >= 3);
    REPORT("chan_open_busy", cloak_chan_open("abuse"));

    REPORT("chan_send_handle_0", SYS(CLOAK_SYS_CHAN_SEND, 0, buffer, 1, 0, 0, 0));
    REPORT("chan_send_handle_1", SYS(CLOAK_SYS_CHAN_SEND, 1, buffer, 1, 0, 0, 0));
    REPORT("chan_send_handle_99", SYS(CLOAK_SYS_CHAN_SEND, 99, buffer, 1, 0, 0, 0));
    REPORT("chan_send_handle_minus_one", SYS(CLOAK_SYS_CHAN_SEND, -1, buffer, 1, 0, 0, 0));
    REPORT("chan_send_too_big", SYS(CLOAK_SYS_CHAN_SEND, handle, buffer, 65537, 0, 0, 0));
    REPORT("chan_send_unmapped", SYS(CLOAK_SYS_CHAN_SEND, handle, UNMAPPED_ADDRESS, 8, 0, 0, 0));
    REPORT("chan_send_wrapping", SYS(CLOAK_SYS_CHAN_SEND, handle, WRAPPING_ADDRESS, 0x20, 0, 0, 0));
    REPORT("chan_recv_bad_handle", SYS(CLOAK_SYS_CHAN_RECV, 99, buffer, sizeof buffer, 0, 0, 0));
    REPORT("chan_recv_bad_flags", SYS(CLOAK_SYS_CHAN_RECV, other, buffer, sizeof buffer, 2, 0, 0));
    REPORT("chan_recv_nonblocking_empty", SYS(CLOAK_SYS_CHAN_RECV, other, buffer, sizeof buffer, CLOAK_CHAN_NONBLOCK, 0, 0));
    REPORT("chan_send_ok", cloak_chan_send(handle, "12345678", 8));
    REPORT("chan_recv_unmapped", SYS(CLOAK_SYS_CHAN_RECV, other, UNMAPPED_ADDRESS, sizeof buffer, 0, 0, 0));
    REPORT("chan_recv_into_text", SYS(CLOAK_SYS_CHAN_RECV, other, (uintptr_t)&channel_calls, sizeof buffer, 0, 0, 0));
    REPORT("chan_recv_too_small", SYS(CLOAK_SYS_CHAN_RECV, other, buffer, 4, 0, 0, 0));
    REPORT("chan_recv_after_failures", SYS(CLOAK_SYS_CHAN_RECV, other, buffer, sizeof buffer, 0, 0, 0));

    long sent = 0, last = 0;
    for (int i = 0; i < 300 && last >= 0; i++) if ((last = cloak_chan_send(handle, "q", 1)) == 1) sent++;
    REPORT("chan_send_queued_before_full", sent);
    REPORT("chan_send_queue_full", last);

    REPORT("chan_close_bad", cloak_chan_close(99));
    REPORT("chan_close_ok", cloak_chan_close(other));
    REPORT("chan_close_twice", cloak_chan_close(other));
    REPORT("chan_send_closed_handle", cloak_chan_send(other, "x", 1));
    REPORT("chan_send_to_closed_peer", cloak_chan_send(handle, "x", 1));
}

int main(int argc, char **argv)
{
    if (arg_is(argc, argv, 1, "mmap-fixed-wrap")) {
        printf("mapping the last page of the address space\n");
        fflush(stdout);
        REPORT("mmap_fixed_wrapping", raw_mmap(TOP_PAGE, PAGE_SIZE, 3, MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_FIXED_, -1));
        printf("done\n");
        return 0;
    }
    char *none = (char *)raw_mmap(0, PAGE_SIZE, PROT_NONE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1);
    char *read_only = (char *)raw_mmap(0, PAGE_SIZE, PROT_READ_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1);
    char *tail = (char *)raw_mmap(0, 2 * PAGE_SIZE, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1);
    cloak_munmap(tail + PAGE_SIZE, PAGE_SIZE);
    long segment = cloak_shm_create(PAGE_SIZE);
    char *shared = cloak_shm_map(segment, NULL, NULL);
    if ((long)none < 0 || (long)read_only < 0 || (long)tail < 0 || !shared) { printf("setup failed\n"); return 1; }

    io_calls(none, read_only, tail);
    time_calls();
    memory_calls(shared);
    process_calls();
    shm_calls();
    channel_calls();
    printf("done\n");
    return 0;
}
