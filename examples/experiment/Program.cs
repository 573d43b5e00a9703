// An experiment with Cloak as a library (docs/library.md): a fresh chip, two programs sealed for it,
// run under the OS model with two adversaries attached, and what came of it printed.
//
//   dotnet run -- OWNER.elf CLIENT.elf
//
// The programs are guest/build/share/share_owner.elf and share_client.elf from the repository
// (make -C guest): method M2, the owner and one client agree a key over an OS channel and share an
// encrypted region. The adversaries: Cloak's ready-made snoop, which copies every frame, swap slot and
// message it can, and Census below, written here, which counts what the OS sees pass by.
using Cloak.Attacks;
using Cloak.Chip.Security;
using Cloak.Elf;
using Cloak.Kernel;
using Cloak.Kernel.Adversaries;
using Cloak.Os;
using Cloak.Sealing;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run -- OWNER.elf CLIENT.elf (guest/build/share/share_owner.elf and share_client.elf)");
    return 2;
}

// 1. A chip: its key pair is generated inside it; only the public key leaves, to seal programs for it.
using var chip = ChipIdentity.Generate();

// 2. The vendor's side: each program's code and data encrypted under a program key wrapped to the chip.
var owner = SealedImage.Parse(ElfSealer.Seal(ElfImage.Load(args[0]), chip.PublicKey));
var client = SealedImage.Parse(ElfSealer.Seal(ElfImage.Load(args[1]), chip.PublicKey));

// 3. A machine: the chip, authenticated memory, and the OS model; each process's console prefixed.
var console = Console.OpenStandardOutput();
var machine = new OsMachine(new OsMachineOptions
{
    Identity = chip,
    Security = new SecurityOptions { Mode = MemoryProtectionMode.Authenticated },
    Kernel = new KernelOptions { OutputFor = (pid, name) => new PrefixedLineStream(console, $"[{pid}:{name}] ") },
});
machine.Register("owner", owner);
machine.Register("client", client);

// 4. The OS turns hostile: adversaries see every kernel action before it happens.
var snoop = new SnoopAdversary();
var census = new Census();
machine.Attach(snoop);
machine.Attach(census);

// 5. Run: argv as the sharing examples take it (method m2, one client).
machine.Start("owner", ["owner", "m2", "1"]);
machine.Start("client", ["client", "m2", "1"]);
var run = machine.Run();
console.Flush();

// 6. The result, from data: how each process ended, what the OS saw.
Console.WriteLine();
foreach (var p in run.Processes)
    Console.WriteLine($"{p.Name} (pid {p.Pid}): {p.End}, exit code {p.ExitCode}{(p.Sealed ? ", ran sealed" : "")}");
bool seen = snoop.Saw("SECRET record"u8.ToArray());
Console.WriteLine($"the OS watched {census.Syscalls} system calls, {census.Messages} channel messages ({census.MessageBytes} bytes) and {census.Notes} protocol steps");
Console.WriteLine($"the snoop took {snoop.Snapshots} DRAM snapshots ({snoop.DistinctPages} distinct pages): the shared plaintext was {(seen ? "SEEN" : "never seen")}");
Console.WriteLine($"{run.Statistics.Instructions:N0} instructions; the chip decrypted {run.Chip?.Encryption.LinesDecrypted:N0} and encrypted {run.Chip?.Encryption.LinesEncrypted:N0} lines");
bool shared = run.Processes.All(p => p.End == ProcessEnd.Exited && p.ExitCode == 0);
Console.WriteLine(shared && !seen ? "result: shared correctly, and the OS saw only ciphertext" : "result: FAILED");
return shared && !seen ? 0 : 1;

/// <summary>An adversary of our own: it only counts what passes through the kernel.</summary>
sealed class Census : Adversary
{
    public int Syscalls { get; private set; }
    public int Messages { get; private set; }
    public long MessageBytes { get; private set; }
    public int Notes { get; private set; }

    public override void OnSyscall(SyscallEvent e) => Syscalls++;

    public override void OnChannelMessage(ChannelMessageEvent e)
    {
        Messages++;
        MessageBytes += e.Payload.Length;
    }

    public override void OnGuestNote(GuestNoteEvent e) => Notes++;
}
