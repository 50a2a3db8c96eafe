using System.Text;

namespace ObservatoryBackup.Encryption;

/// <summary>
/// Bech32 (BIP 173) as age uses it for its keys: no length limit, all lowercase or all uppercase,
/// the checksum computed over the lowercase string.
/// </summary>
internal static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    public static string Encode(string hrp, ReadOnlySpan<byte> data, bool upper = false)
    {
        var values = ConvertBits(data, 8, 5, pad: true)!;
        var checksum = Checksum(hrp.ToLowerInvariant(), values);
        var sb = new StringBuilder(hrp.Length + 1 + values.Count + 6).Append(hrp.ToLowerInvariant()).Append('1');
        foreach (var v in values.Concat(checksum)) sb.Append(Charset[v]);
        var s = sb.ToString();
        return upper ? s.ToUpperInvariant() : s;
    }

    /// <summary>The human-readable part (lowercase) and data of <paramref name="s"/>, or null when it is not valid Bech32.</summary>
    public static (string Hrp, byte[] Data)? Decode(string s)
    {
        if (s.Any(c => c is < '!' or > '~')) return null;
        var lower = s.ToLowerInvariant();
        if (lower != s && s.ToUpperInvariant() != s) return null; // mixed case
        var separator = lower.LastIndexOf('1');
        if (separator < 1 || separator + 7 > lower.Length) return null;
        var hrp = lower[..separator];
        var values = new List<byte>(lower.Length - separator - 1);
        foreach (var c in lower.AsSpan(separator + 1))
        {
            var v = Charset.IndexOf(c);
            if (v < 0) return null;
            values.Add((byte)v);
        }
        if (Polymod(ExpandHrp(hrp).Concat(values)) != 1) return null;
        var data = ConvertBits(values.GetRange(0, values.Count - 6).ToArray(), 5, 8, pad: false);
        return data is null ? null : (hrp, data.ToArray());
    }

    private static IEnumerable<byte> ExpandHrp(string hrp) =>
        hrp.Select(c => (byte)(c >> 5)).Append((byte)0).Concat(hrp.Select(c => (byte)(c & 31)));

    private static uint Polymod(IEnumerable<byte> values)
    {
        uint chk = 1;
        foreach (var v in values)
        {
            var top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (var i = 0; i < 5; i++)
                if (((top >> i) & 1) != 0) chk ^= Generator[i];
        }
        return chk;
    }

    private static byte[] Checksum(string hrp, List<byte> values)
    {
        var mod = Polymod(ExpandHrp(hrp).Concat(values).Concat(new byte[6])) ^ 1;
        var result = new byte[6];
        for (var i = 0; i < 6; i++) result[i] = (byte)((mod >> (5 * (5 - i))) & 31);
        return result;
    }

    private static List<byte>? ConvertBits(ReadOnlySpan<byte> data, int from, int to, bool pad)
    {
        int acc = 0, bits = 0;
        var maxv = (1 << to) - 1;
        var result = new List<byte>(data.Length * from / to + 1);
        foreach (var value in data)
        {
            if (value >> from != 0) return null;
            acc = (acc << from) | value;
            bits += from;
            while (bits >= to)
            {
                bits -= to;
                result.Add((byte)((acc >> bits) & maxv));
            }
        }
        if (pad)
        {
            if (bits > 0) result.Add((byte)((acc << (to - bits)) & maxv));
        }
        else if (bits >= from || ((acc << (to - bits)) & maxv) != 0)
        {
            return null;
        }
        return result;
    }
}
