namespace Cloak.Chip.Security;

internal sealed partial class KeyTable
{
    /// <summary>
    /// The slot holding <paramref name="key"/>, or -1: a look-up that takes no reference and touches no
    /// use clock (the inspector asks where a key's cached lines would be without disturbing the table).
    /// </summary>
    public int Find(ReadOnlySpan<byte> key) => key.Length == KeySize ? IndexOf(key, Fingerprint(key)) : -1;
}
