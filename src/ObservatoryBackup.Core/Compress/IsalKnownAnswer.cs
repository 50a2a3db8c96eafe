using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace ObservatoryBackup.Compress;

/// <summary>
/// A known-answer test of a loaded ISA-L before any backup relies on it: deflate at each level, read back
/// by zlib-ng; a member of zlib-ng's read by ISA-L to its end; a wrong trailer refused. A library whose
/// structs are not laid out as we declare them (<see cref="IsalZStream"/>, <see cref="IsalInflateState"/>)
/// fails it, and the process runs zlib-ng instead.
/// </summary>
internal static class IsalKnownAnswer
{
    /// <summary>What went wrong, or null when the library gives the known answers.</summary>
    public static string? Failure(IsalLibrary isal)
    {
        var data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"{i}\tobservation {i * 7919 % 10007}\n")));
        try
        {
            var output = new byte[data.Length + data.Length / 1000 + 64];
            for (var level = 0; level < IsalDeflater.LevelBufferSizes.Length; level++)
            {
                using var deflater = new IsalDeflater(isal, level);
                var length = deflater.Deflate(data, output, final: true);
                using var back = new MemoryStream();
                using (var inflate = new DeflateStream(new MemoryStream(output, 0, length), CompressionMode.Decompress)) inflate.CopyTo(back);
                if (!back.ToArray().AsSpan().SequenceEqual(data)) return $"its level {level} deflate does not give the data back";
            }
            var deflated = new MemoryStream();
            using (var deflate = new DeflateStream(deflated, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(data);
            var member = new byte[deflated.Length + 8];
            deflated.ToArray().CopyTo(member, 0);
            BinaryPrimitives.WriteUInt32LittleEndian(member.AsSpan(member.Length - 8), Crc32.HashToUInt32(data));
            BinaryPrimitives.WriteUInt32LittleEndian(member.AsSpan(member.Length - 4), (uint)data.Length);
            using var inflater = new IsalInflater(isal);
            var inflated = new byte[data.Length + 1];
            var (consumed, written) = inflater.Inflate(member, inflated);
            if (!inflater.MemberFinished || consumed != member.Length || !inflated.AsSpan(0, written).SequenceEqual(data))
                return "its inflate does not read a member to its end";
            member[^1] ^= 1;
            inflater.Reset();
            try
            {
                inflater.Inflate(member, inflated);
                return "its inflate does not check a member's trailer";
            }
            catch (InvalidDataException)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException)
        {
            return ex.Message;
        }
    }
}
