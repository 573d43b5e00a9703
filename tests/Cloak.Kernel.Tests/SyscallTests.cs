using System.Buffers.Binary;
using System.Globalization;
using Cloak.Kernel.Abi;
using Cloak.Kernel.Tests.Support;

namespace Cloak.Kernel.Tests;

/// <summary>
/// Every system call's bad-argument paths (syscall_abuse.c) return the documented -errno, and
/// nothing a guest passes in a0..a7 makes the simulator fail (syscall_fuzz.c).
/// </summary>
public sealed class SyscallTests
{
    private const long Yes = 1;

    private static long E(Errno errno) => -(long)errno;

    /// <summary>What each case of syscall_abuse must print (docs: Syscall.cs, Errno.cs, Kernel.Syscalls.cs, Kernel.Ipc.cs).</summary>
    private static readonly Dictionary<string, long> Expected = new(StringComparer.Ordinal)
    {
        ["write_bad_fd"] = E(Errno.EBADF),
        ["write_to_stdin"] = E(Errno.EBADF),
        ["write_negative_fd"] = E(Errno.EBADF),
        ["write_null"] = E(Errno.EFAULT),
        ["write_unmapped"] = E(Errno.EFAULT),
        ["write_kernel_address"] = E(Errno.EFAULT),
        ["write_wrapping"] = E(Errno.EFAULT),
        ["write_prot_none"] = E(Errno.EFAULT),
        ["write_past_mapping_end"] = E(Errno.EFAULT),
        ["write_null_zero_length"] = 0,
        ["write_huge_length"] = E(Errno.EFAULT),
        ["read_bad_fd"] = E(Errno.EBADF),
        ["read_null"] = E(Errno.EFAULT),
        ["read_into_text"] = E(Errno.EFAULT),
        ["read_into_read_only"] = E(Errno.EFAULT),
        ["read_zero_length"] = 0,
        ["clock_bad_id"] = E(Errno.EINVAL),
        ["clock_negative_id"] = E(Errno.EINVAL),
        ["clock_null"] = E(Errno.EFAULT),
        ["clock_into_text"] = E(Errno.EFAULT),
        ["clock_ok"] = 0,
        ["sleep_null"] = E(Errno.EFAULT),
        ["sleep_unmapped"] = E(Errno.EFAULT),
        ["sleep_negative_seconds"] = E(Errno.EINVAL),
        ["sleep_nanoseconds_too_big"] = E(Errno.EINVAL),
        ["sleep_negative_nanoseconds"] = E(Errno.EINVAL),
        ["sleep_zero"] = 0,
        ["brk_query_is_page_aligned"] = Yes,
        ["brk_below_start_keeps_break"] = Yes,
        ["brk_huge_keeps_break"] = Yes,
        ["brk_beyond_max_heap_keeps_break"] = Yes,
        ["mmap_not_anonymous"] = E(Errno.EACCES),    // no files in this OS (Kernel.Syscalls.cs)
        ["mmap_with_fd"] = E(Errno.EACCES),
        ["mmap_neither_shared_nor_private"] = E(Errno.EINVAL),
        ["mmap_zero_length"] = E(Errno.EINVAL),
        ["mmap_length_over_4g"] = E(Errno.EINVAL),
        ["mmap_length_minus_one"] = E(Errno.EINVAL),
        ["mmap_bad_protection"] = E(Errno.EINVAL),
        ["mmap_fixed_unaligned"] = E(Errno.EINVAL),
        ["mmap_fixed_below_program_area"] = E(Errno.EINVAL),
        ["mmap_fixed_at_user_top"] = E(Errno.EINVAL),
        ["mmap_fixed_across_user_top"] = E(Errno.EINVAL),
        ["munmap_unaligned"] = E(Errno.EINVAL),
        ["munmap_zero_length"] = E(Errno.EINVAL),
        ["munmap_wrapping"] = E(Errno.EINVAL),
        ["munmap_above_user_top"] = E(Errno.EINVAL),
        ["munmap_nothing_mapped"] = 0,
        ["munmap_shared_segment"] = E(Errno.EINVAL),  // shared segments leave through shm_unmap
        ["wait_no_children"] = E(Errno.ECHILD),
        ["wait_nohang_no_children"] = E(Errno.ECHILD),
        ["wait_unknown_pid"] = E(Errno.ECHILD),
        ["wait_bad_options"] = E(Errno.EINVAL),
        ["wait_pid_zero"] = E(Errno.EINVAL),
        ["wait_process_group"] = E(Errno.EINVAL),
        ["spawn_unknown"] = E(Errno.ENOENT),
        ["spawn_empty_name"] = E(Errno.ENOENT),
        ["spawn_name_unmapped"] = E(Errno.EFAULT),
        ["spawn_argv_unmapped"] = E(Errno.EFAULT),
        ["spawn_argv_entry_unmapped"] = E(Errno.EFAULT),
        ["spawn_too_many_arguments"] = E(Errno.EINVAL),
        ["unknown_syscall"] = E(Errno.ENOSYS),
        ["unknown_cloak_syscall"] = E(Errno.ENOSYS),
        ["huge_syscall_number"] = E(Errno.ENOSYS),
        ["getppid_of_first_process"] = 0,
        ["shm_create_zero"] = E(Errno.EINVAL),
        ["shm_create_over_1g"] = E(Errno.EINVAL),
        ["shm_create_minus_one"] = E(Errno.EINVAL),
        ["shm_map_unknown"] = E(Errno.ENOENT),
        ["shm_map_negative"] = E(Errno.ENOENT),
        ["shm_map_size_unmapped"] = E(Errno.EFAULT),
        ["shm_map_size_read_only"] = E(Errno.EFAULT),
        ["shm_unmap_not_mapped"] = E(Errno.EINVAL),
        ["shm_unmap_heap"] = E(Errno.EINVAL),
        ["shm_destroy_unknown"] = E(Errno.ENOENT),
        ["shm_destroy_negative"] = E(Errno.ENOENT),
        ["shm_destroy_once"] = 0,
        ["shm_destroy_twice"] = E(Errno.ENOENT),
        ["shm_map_destroyed"] = E(Errno.ENOENT),
        ["chan_create_empty_name"] = E(Errno.EINVAL),
        ["chan_create_name_too_long"] = E(Errno.EINVAL),
        ["chan_create_name_unmapped"] = E(Errno.EFAULT),
        ["chan_create_name_64_bytes"] = Yes,
        ["chan_create_duplicate"] = E(Errno.EEXIST),
        ["chan_open_missing"] = E(Errno.ENOENT),
        ["chan_open_name_unmapped"] = E(Errno.EFAULT),
        ["chan_open_name_too_long"] = E(Errno.EINVAL),
        ["chan_open_first"] = Yes,
        ["chan_open_busy"] = E(Errno.EBUSY),
        ["chan_send_handle_0"] = E(Errno.EBADF),
        ["chan_send_handle_1"] = E(Errno.EBADF),
        ["chan_send_handle_99"] = E(Errno.EBADF),
        ["chan_send_handle_minus_one"] = E(Errno.EBADF),
        ["chan_send_too_big"] = E(Errno.EMSGSIZE),
        ["chan_send_unmapped"] = E(Errno.EFAULT),
        ["chan_send_wrapping"] = E(Errno.EFAULT),
        ["chan_recv_bad_handle"] = E(Errno.EBADF),
        ["chan_recv_bad_flags"] = E(Errno.EINVAL),
        ["chan_recv_nonblocking_empty"] = E(Errno.EAGAIN),
        ["chan_send_ok"] = 8,
        ["chan_recv_unmapped"] = E(Errno.EFAULT),
        ["chan_recv_into_text"] = E(Errno.EFAULT),
        ["chan_recv_too_small"] = E(Errno.EMSGSIZE),
        ["chan_recv_after_failures"] = 8,             // the failed receives left the message queued
        ["chan_send_queued_before_full"] = 256,
        ["chan_send_queue_full"] = E(Errno.EAGAIN),
        ["chan_close_bad"] = E(Errno.EBADF),
        ["chan_close_ok"] = 0,
        ["chan_close_twice"] = E(Errno.EBADF),
        ["chan_send_closed_handle"] = E(Errno.EBADF),
        ["chan_send_to_closed_peer"] = E(Errno.EPIPE),
    };

    // The abuse program's run is shared by every row below (it is deterministic).
    private static readonly Lazy<(TestRun Run, Process Abuser)> Abuse = new(() =>
    {
        var machine = new TestMachine();
        var abuser = machine.Start("syscall_abuse");
        return (machine.Run(), abuser);
    });

    private static Dictionary<string, long> Printed()
    {
        var (run, abuser) = Abuse.Value;
        return run.Lines(abuser).Where(l => l.Contains(' ', StringComparison.Ordinal) && !l.StartsWith("spawn_name_too_long", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    public static TheoryData<string> Cases() => [.. Expected.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_argument_gets_the_documented_error(string name)
    {
        var printed = Printed();
        Assert.True(printed.TryGetValue(name, out long result), $"syscall_abuse printed no result for {name}");
        Assert.True(Expected[name] == result, $"{name}: expected {Expected[name]}, got {result}");
    }

    [Fact]
    public void The_abuse_program_survives_every_call_and_every_case_it_tries_is_checked()
    {
        var (run, abuser) = Abuse.Value;

        run.AssertAllExitedCleanly();
        Assert.Equal("done", run.Lines(abuser)[^1]);
        Assert.Empty(Printed().Keys.Except(Expected.Keys));
    }

    [Fact]
    public void A_spawn_name_longer_than_the_limit_gets_ENAMETOOLONG()
    {
        var (run, abuser) = Abuse.Value;

        Assert.Contains($"spawn_name_too_long {E(Errno.ENAMETOOLONG)}", run.Lines(abuser));
    }

    [Fact]
    public void MAP_FIXED_at_the_top_of_the_64_bit_address_space_is_refused_not_fatal()
    {
        var machine = new TestMachine();
        var p = machine.Start("syscall_abuse", "mmap-fixed-wrap");

        var failure = Record.Exception(() => machine.Run());

        Assert.Null(failure);
    }

    [Fact]
    public void MAP_FIXED_at_the_top_of_the_64_bit_address_space_gets_EINVAL()
    {
        var machine = new TestMachine();
        var p = machine.Start("syscall_abuse", "mmap-fixed-wrap");

        var run = machine.Run().AssertAllExitedCleanly();

        Assert.Contains($"mmap_fixed_wrapping {E(Errno.EINVAL)}", run.Lines(p));
    }

    /// <summary>Values that reach interesting paths: pointers into each area, edges, overflows, flags, handles.</summary>
    private static readonly ulong[] Interesting =
    [
        0, 1, 2, 3, 4, 5, 7, 8, 0x22, 0x32, 0x12, 100, 255, 4096, 4097, 65536, 65537, 1UL << 30, 1UL << 32, 1UL << 33,
        ulong.MaxValue, ulong.MaxValue - 15, 0xFFFF_FFFF_FFFF_F000, 0x8000_0000_0000_0000, 0xFFFF_FFFF_8000_0000,
        0xDEAD_0000, 0x1_0000, 0x1_0040, 0x100_0000, 0x100_0100, 0x20_0000_0000, 0x1F_FFFF_0000, 0x3F_FFFF_E000,
        0x3F_FFFF_FFF8, 0x40_0000_0000, 0x3F_FFFF_F000, 0x30_0000_0000,
    ];

    private static byte[] FuzzTable(Random random, int calls)
    {
        ulong[] numbers = [.. Enum.GetValues<Syscall>().Select(s => (ulong)s).Where(n => n is not ((ulong)Syscall.Exit or (ulong)Syscall.ExitGroup))];
        var table = new byte[calls * 64];
        for (int i = 0; i < calls; i++)
        {
            var record = table.AsSpan(i * 64, 64);
            for (int a = 0; a < 7; a++)
            {
                ulong value = random.Next(4) switch
                {
                    0 => (ulong)random.NextInt64(),
                    1 => (ulong)random.Next(0, 300),
                    _ => Interesting[random.Next(Interesting.Length)] + (ulong)(random.Next(3) == 0 ? random.Next(-8, 8) : 0),
                };
                BinaryPrimitives.WriteUInt64LittleEndian(record[(a * 8)..], value);
            }
            ulong number = random.Next(20) switch
            {
                0 => (ulong)random.NextInt64(),
                1 => (ulong)random.Next(0, 0x1100),
                _ => numbers[random.Next(numbers.Length)],
            };
            if (i == calls - 1 && random.Next(2) == 0) number = (ulong)Syscall.ExitGroup;
            BinaryPrimitives.WriteUInt64LittleEndian(record[56..], number);
        }
        return table;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Random_system_call_arguments_never_make_the_simulator_fail(int seed)
    {
        var random = new Random(seed);
        var machine = new TestMachine(ramSize: 1UL << 20, quantum: 5_000, seed: seed, swapSlots: 512, maxInstructions: 20_000_000);
        var fuzzers = Enumerable.Range(0, 4).Select(_ => machine.StartWithInput("syscall_fuzz", FuzzTable(random, 200))).ToList();

        var run = machine.Run();   // must not throw

        foreach (var p in run.Outcome.Processes)
            Assert.True(p.KillReason is not null || run.Outcome.End == KernelRunEnd.InstructionLimit || p.ExitCode is >= 0 and < 256,
                $"process {p.Pid} ended oddly\n{run.Describe()}");
        var errnos = Enum.GetValues<Errno>().Select(e => -(long)e).ToHashSet();
        int answered = 0;
        foreach (var fuzzer in fuzzers)
        {
            Assert.StartsWith("fuzz: 200 calls", run.Output(fuzzer), StringComparison.Ordinal);
            foreach (string line in run.Lines(fuzzer).Skip(1))
            {
                string[] parts = line.Split(' ');
                if (parts.Length != 2 || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out long result)) continue;
                answered++;
                if (result >= 0) continue;
                Assert.True(errnos.Contains(result), $"call {parts[0]} of {fuzzer} returned {result}, which is no errno");
            }
        }
        // The fuzzers may hurt themselves (unmap their code, read over their table), but most calls must have run.
        Assert.True(answered > 400, $"only {answered} of 800 calls reported a result\n{run.Describe()}");
    }
}
