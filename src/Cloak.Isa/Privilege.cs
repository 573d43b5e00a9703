namespace Cloak.Isa;

/// <summary>Privilege levels (privileged spec 1.2). Cloak implements M and U.</summary>
public enum Privilege : byte
{
    User = 0,
    Machine = 3,
}
