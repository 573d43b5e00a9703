using System.Security.Cryptography;

namespace Cloak.Chip.Security;

internal sealed partial class KeyTable
{
    /// <summary>
    /// The slot holding <paramref name="key"/>, or -1: a look-up that takes no reference and touches no
    /// use clock (the inspector asks where a key's cached lines would be without disturbing the table).
    /// </summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        for (int i = 1; i < _slots.Length; i++)
            if (_slots[i].Occupied && CryptographicOperations.FixedTimeEquals(_slots[i].Key, key)) return i;
        return -1;
    }
}
