namespace Cloak.Kernel.Abi;

/// <summary>
/// System call numbers: the standard ones are Linux's for RISC-V (asm-generic/unistd.h); Cloak's own
/// calls live in 0x1000-0x10FF. The C side is guest/include/cloak/syscall.h; a test checks they agree.
/// Arguments in a0-a5, number in a7, result in a0 (negative errno on failure).
/// </summary>
public enum Syscall : ulong
{
    Read = 63,
    Write = 64,
    NanoSleep = 101,
    ClockGetTime = 113,
    SchedYield = 124,
    GetPid = 172,
    GetPpid = 173,
    Brk = 214,
    Munmap = 215,
    Mmap = 222,
    Wait4 = 260,
    Exit = 93,
    ExitGroup = 94,

    /// <summary>spawn(name, name_len, argv) -> pid: starts a program registered with the kernel by name.</summary>
    Spawn = 0x1000,

    /// <summary>shm_create(size) -> id.</summary>
    ShmCreate = 0x1010,
    /// <summary>shm_map(id, &amp;size_out) -> virtual address chosen by the kernel.</summary>
    ShmMap = 0x1011,
    /// <summary>shm_unmap(address) -> 0.</summary>
    ShmUnmap = 0x1012,
    /// <summary>shm_destroy(id) -> 0: no new mappings; freed when the last mapping goes.</summary>
    ShmDestroy = 0x1013,

    /// <summary>chan_create(name, name_len) -> handle of the creator's end.</summary>
    ChanCreate = 0x1020,
    /// <summary>chan_open(name, name_len) -> handle of the other end.</summary>
    ChanOpen = 0x1021,
    /// <summary>chan_send(handle, buffer, length) -> length.</summary>
    ChanSend = 0x1022,
    /// <summary>chan_recv(handle, buffer, capacity, flags) -> message length (0 once the peer closed and nothing is queued).</summary>
    ChanRecv = 0x1023,
    /// <summary>chan_close(handle) -> 0.</summary>
    ChanClose = 0x1024,

    /// <summary>
    /// note(buffer, length) -> 0: posts "TOPIC\tTEXT" (UTF-8, at most 512 bytes) to the OS's observers,
    /// as public as console output (libcloak announces each protocol step this way).
    /// </summary>
    Note = 0x1030,
}

/// <summary>Flags of chan_recv.</summary>
[Flags]
public enum ChannelReceiveFlags : ulong
{
    None = 0,
    /// <summary>Return -EAGAIN instead of blocking when no message is queued.</summary>
    NonBlocking = 1,
}
