namespace Cloak.Chip.Bus.Devices;

/// <summary>
/// The subset of an NS16550A UART that bare-metal programs use for a console (QEMU virt places one at
/// 0x1000_0000): THR/RBR at +0, LSR at +5. Transmitted bytes go to <see cref="Output"/>; received
/// bytes come from <see cref="Input"/>. Other registers read as zero and ignore writes.
/// </summary>
public sealed class Uart16550(Stream output, Stream? input = null) : IMmioDevice
{
    private const ulong Data = 0, LineStatus = 5;
    private const byte DataReady = 0x01, TransmitterEmpty = 0x20 | 0x40;
    private int _peeked = -1;

    public string Name => "uart0";
    public ulong Size => 0x100;
    public Stream Output { get; } = output;
    public Stream? Input { get; } = input;

    public bool TryRead(ulong offset, int size, out ulong value)
    {
        value = 0;
        if (size != 1) return false;
        if (offset == Data) { value = (byte)(TakeInput() is int b and >= 0 ? b : 0); return true; }
        if (offset == LineStatus) { value = (byte)(TransmitterEmpty | (PeekInput() >= 0 ? DataReady : 0)); return true; }
        return offset < Size;
    }

    public bool TryWrite(ulong offset, int size, ulong value)
    {
        if (size != 1) return false;
        if (offset == Data) Output.WriteByte((byte)value);
        return offset < Size;
    }

    private int PeekInput()
    {
        if (_peeked < 0 && Input is not null) _peeked = Input.ReadByte();
        return _peeked;
    }

    private int TakeInput()
    {
        int b = PeekInput();
        _peeked = -1;
        return b;
    }
}
