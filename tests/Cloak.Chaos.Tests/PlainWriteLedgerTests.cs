namespace Cloak.Chaos.Tests;

/// <summary>The evidence behind "disclosed by a tampered program": who stored which bytes in plain, as the bus showed it.</summary>
public sealed class PlainWriteLedgerTests
{
    private static readonly byte[] Secret = [.. "SECRET record"u8];

    [Fact]
    public void Bytes_a_tampered_process_stored_in_plain_are_attributed_to_it()
    {
        var ledger = new PlainWriteLedger();
        ledger.Store(0x8000_1000, Secret.AsSpan(0, 8), tamperedWriter: 7);
        ledger.Store(0x8000_1008, Secret.AsSpan(8), tamperedWriter: 7);

        Assert.Equal(7, ledger.WriterOf(0x8000_1000, Secret));
    }

    [Fact]
    public void Bytes_stored_partly_by_a_process_nobody_tampered_with_are_not_attributed()
    {
        var ledger = new PlainWriteLedger();
        ledger.Store(0x8000_1000, Secret.AsSpan(0, 8), tamperedWriter: 7);
        ledger.Store(0x8000_1008, Secret.AsSpan(8), tamperedWriter: null);

        Assert.Null(ledger.WriterOf(0x8000_1000, Secret));
    }

    [Fact]
    public void A_line_written_over_the_bytes_removes_the_attribution()
    {
        var ledger = new PlainWriteLedger();
        ledger.Store(0x8000_1000, Secret, tamperedWriter: 7);
        ledger.LineWritten(0x8000_1000, 64);

        Assert.Null(ledger.WriterOf(0x8000_1000, Secret));
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public void Bytes_other_than_those_the_process_stored_are_not_attributed()
    {
        // A write the bus does not show (the kernel's, an adversary's) leaves other bytes there than the process stored.
        var ledger = new PlainWriteLedger();
        ledger.Store(0x8000_1000, new byte[Secret.Length], tamperedWriter: 7);

        Assert.Null(ledger.WriterOf(0x8000_1000, Secret));
    }

    [Fact]
    public void The_attribution_follows_a_page_out_to_swap_and_back_into_another_frame()
    {
        var ledger = new PlainWriteLedger();
        ledger.Store(0x8000_1100, Secret, tamperedWriter: 7);
        ledger.SwapOut(0x80001, slot: 3);

        Assert.Equal(7, ledger.WriterInSlot(3, 0x100, Secret));

        ledger.SwapIn(3, 0x80005);

        Assert.Equal(7, ledger.WriterOf(0x8000_5100, Secret));
        Assert.Null(ledger.WriterInSlot(3, 0x100, Secret));
    }
}
