namespace Outpost.Packaging;

/// <summary>RFC 4648 base32 with the lowercase alphabet and no padding, as used for app ids.</summary>
internal static class Base32
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[(data.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[index++] = Alphabet[(buffer >> bits) & 31];
            }
        }

        if (bits > 0)
        {
            chars[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars, 0, index);
    }

    /// <summary>
    /// Decodes <paramref name="text"/> into exactly <paramref name="output"/>.Length bytes. Fails on any character
    /// outside the alphabet, a wrong length, or non-zero padding bits, so each byte string has exactly one text form.
    /// </summary>
    public static bool TryDecode(string text, Span<byte> output)
    {
        if (text.Length != (output.Length * 8 + 4) / 5)
        {
            return false;
        }

        int buffer = 0, bits = 0, index = 0;
        foreach (var c in text)
        {
            var value = c switch
            {
                >= 'a' and <= 'z' => c - 'a',
                >= '2' and <= '7' => c - '2' + 26,
                _ => -1,
            };
            if (value < 0)
            {
                return false;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output[index++] = (byte)(buffer >> bits);
            }
        }

        return (buffer & ((1 << bits) - 1)) == 0;
    }
}
