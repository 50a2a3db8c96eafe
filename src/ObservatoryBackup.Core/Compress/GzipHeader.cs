using System.Buffers.Binary;
using System.IO.Hashing;

namespace ObservatoryBackup.Compress;

/// <summary>
/// A gzip member's header (RFC 1952 §2.3), read by us rather than by ISA-L: ISA-L's own header reader
/// loses the header's flags when the header arrives over more than one call (a name or extra field
/// cut by a read), then decodes the rest of the header as deflate. Checked as zlib checks it: magic,
/// method, no reserved flag, the header CRC when there is one.
/// </summary>
internal static class GzipHeader
{
    private const byte HeaderCrc = 2, Extra = 4, Name = 8, Comment = 16, Reserved = 0xe0;

    /// <summary>The header's length when <paramref name="bytes"/> hold all of it, 0 when they hold only its start.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a gzip header.</exception>
    public static int Length(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> start = [0x1f, 0x8b, 8];
        var known = Math.Min(bytes.Length, start.Length);
        if (!bytes[..known].SequenceEqual(start[..known]))
            throw new InvalidDataException(bytes.Length >= 3 && bytes[..2].SequenceEqual(start[..2])
                ? "The gzip data is damaged: its compression method is not deflate."
                : "The data is not gzip: it does not start with gzip's magic bytes.");
        if (bytes.Length < 10) return 0;
        var flags = bytes[3];
        if ((flags & Reserved) != 0) throw new InvalidDataException("The gzip data is damaged: its header sets reserved flags.");
        var at = 10;
        if ((flags & Extra) != 0)
        {
            if (bytes.Length < at + 2) return 0;
            at += 2 + BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
        }
        foreach (var text in (ReadOnlySpan<byte>)[Name, Comment])
        {
            if ((flags & text) == 0) continue;
            var end = at < bytes.Length ? bytes[at..].IndexOf((byte)0) : -1;
            if (end < 0) return 0;
            at += end + 1;
        }
        if ((flags & HeaderCrc) != 0)
        {
            if (bytes.Length < at + 2) return 0;
            if (BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]) != (ushort)Crc32.HashToUInt32(bytes[..at]))
                throw new InvalidDataException("The gzip data is damaged: its header's CRC does not match the header.");
            at += 2;
        }
        return at <= bytes.Length ? at : 0;
    }
}
