using System.Buffers.Binary;

namespace Cloak.Fuzz;

/// <summary>
/// The in-process mutator of the smoke run (no afl-fuzz needed): stacks of AFL-style havoc steps on a
/// corpus entry: bit flips, random and "interesting" bytes and words, small arithmetic, block
/// deletion, duplication and insertion, dictionary tokens, and splices with another entry.
/// Deterministic for a seed. It has no coverage feedback: that is what the afl-fuzz run adds.
/// </summary>
public sealed class Mutator(Random random, IReadOnlyList<byte[]> dictionary, int maxLength)
{
    private static readonly long[] Interesting =
    [
        0, 1, -1, 2, 7, 8, 16, 32, 63, 64, 100, 127, 128, 255, 256, 512, 1000, 1024, 4095, 4096, 4097, 32767, 32768, 65535,
        65536, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, long.MaxValue, long.MinValue, -4096, -128,
    ];

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(input);
        int steps = 1 << random.Next(0, 4);
        for (int i = 0; i < steps; i++) Step(data, corpus);
        if (data.Count > maxLength) data.RemoveRange(maxLength, data.Count - maxLength);
        return [.. data];
    }

    private void Step(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        int choice = random.Next(dictionary.Count > 0 ? 12 : 10);
        if (data.Count == 0 && choice < 8) choice = 8;
        switch (choice)
        {
            case 0:
            {
                int bit = random.Next(data.Count * 8);
                data[bit / 8] ^= (byte)(1 << (bit % 8));
                break;
            }
            case 1:
                data[random.Next(data.Count)] = (byte)random.Next(256);
                break;
            case 2 or 3:
            {
                int width = 1 << random.Next(0, 4);
                if (data.Count < width) break;
                Span<byte> word = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(word, Interesting[random.Next(Interesting.Length)]);
                int at = random.Next(data.Count - width + 1);
                for (int b = 0; b < width; b++) data[at + b] = word[b];
                break;
            }
            case 4:
            {
                int width = 1 << random.Next(0, 4);
                if (data.Count < width) break;
                int at = random.Next(data.Count - width + 1);
                Span<byte> word = stackalloc byte[8];
                word.Clear();
                for (int b = 0; b < width; b++) word[b] = data[at + b];
                long value = BinaryPrimitives.ReadInt64LittleEndian(word) + random.Next(-35, 36);
                BinaryPrimitives.WriteInt64LittleEndian(word, value);
                for (int b = 0; b < width; b++) data[at + b] = word[b];
                break;
            }
            case 5:
            {
                int length = Math.Min(data.Count, 1 + random.Next(Math.Max(1, data.Count / 4)));
                data.RemoveRange(random.Next(data.Count - length + 1), length);
                break;
            }
            case 6:
            {
                int length = Math.Min(data.Count, 1 + random.Next(64));
                int from = random.Next(data.Count - length + 1);
                data.InsertRange(random.Next(data.Count + 1), data.GetRange(from, length));
                break;
            }
            case 7:
            {
                int keep = random.Next(data.Count);
                data.RemoveRange(keep, data.Count - keep);
                break;
            }
            case 8:
            {
                var bytes = new byte[1 + random.Next(16)];
                random.NextBytes(bytes);
                data.InsertRange(random.Next(data.Count + 1), bytes);
                break;
            }
            case 9:
            {
                var other = corpus[random.Next(corpus.Count)];
                if (other.Length == 0) break;
                int cut = random.Next(data.Count + 1), from = random.Next(other.Length);
                data.RemoveRange(cut, data.Count - cut);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            }
            case 10:
            {
                var token = dictionary[random.Next(dictionary.Count)];
                data.InsertRange(random.Next(data.Count + 1), token);
                break;
            }
            default:
            {
                var token = dictionary[random.Next(dictionary.Count)];
                if (data.Count < token.Length) { data.AddRange(token); break; }
                int at = random.Next(data.Count - token.Length + 1);
                for (int b = 0; b < token.Length; b++) data[at + b] = token[b];
                break;
            }
        }
    }
}

/// <summary>Reads an afl-fuzz dictionary: lines of <c>name="value"</c> (or <c>"value"</c>) with \xNN, \\ and \" escapes; # starts a comment.</summary>
public static class AflDictionary
{
    public static IReadOnlyList<byte[]> Load(string path) => File.Exists(path) ? Parse(File.ReadAllLines(path)) : [];

    public static IReadOnlyList<byte[]> Parse(IEnumerable<string> lines)
    {
        var tokens = new List<byte[]>();
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int open = line.IndexOf('"', StringComparison.Ordinal), close = line.LastIndexOf('"');
            if (open < 0 || close <= open) throw new FormatException($"not a dictionary line: {line}");
            tokens.Add(Unescape(line[(open + 1)..close]));
        }
        return tokens;
    }

    private static byte[] Unescape(string text)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\') { bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(text[i].ToString())); continue; }
            char next = text[++i];
            if (next == 'x')
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else bytes.Add((byte)next);
        }
        return [.. bytes];
    }
}
