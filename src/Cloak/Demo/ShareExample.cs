namespace Cloak.Demo;

/// <summary>
/// The example programs' exit codes (EXIT_* in guest/share/common.h), which the demo judges by:
/// never by their printed text.
/// </summary>
public enum ShareExampleExit
{
    /// <summary>Shared correctly.</summary>
    Shared = 0,
    /// <summary>The shared data was wrong.</summary>
    WrongData = 1,
    /// <summary>A step failed.</summary>
    Failed = 2,
    /// <summary>A signature did not verify or the peer's attestation report was refused: the exchange was tampered with, and refused.</summary>
    Refused = 3,
}

/// <summary>
/// What the sharing example programs (guest/share, their common header guest/share/common.h) and
/// the host that runs and judges them (<see cref="ShareScenario"/>) agree on: group size, the shared
/// records' layout and marker text, the provisioned key symbols and the words that pick an exchange.
/// ShareHeaderTests reads common.h and holds both sides to the same values.
/// </summary>
public static class ShareExample
{
    /// <summary>MAX_CLIENTS: the largest group the examples run.</summary>
    public const int MaxClients = 256;

    /// <summary>struct record { round, index, value, text[48] }: its size and where its text is.</summary>
    public const int RecordSize = 64, RecordTextOffset = 16, RecordTextSize = 48;

    /// <summary>How every record's text begins (fill_round): plaintext the OS must never see.</summary>
    public static ReadOnlySpan<byte> RecordMarker => "SECRET record"u8;

    /// <summary>The symbols the vendor provisions keys into (cloak seal --provision SYMBOL=FILE) and their sizes in bytes.</summary>
    public const string CommonKeySymbol = "cloak_common_key", SigningKeySymbol = "cloak_signing_key",
        PeerVerificationKeySymbol = "cloak_peer_verification_key";

    /// <summary>Sizes of <see cref="CommonKeySymbol"/> (CLOAK_KEY_SIZE), <see cref="SigningKeySymbol"/> (a P-256 private key) and <see cref="PeerVerificationKeySymbol"/> (a P-256 public key, X || Y).</summary>
    public const int CommonKeySize = 32, SigningKeySize = 32, PeerVerificationKeySize = 64;

    /// <summary>The last argument that makes the examples authenticate their exchanges (exchange_mode).</summary>
    public const string SignedArgument = "signed", AttestedArgument = "attested";
}
