using System.Buffers.Binary;
using System.Globalization;

namespace ObservatoryBackup.Signing;

/// <summary>
/// The 8 random bytes that name a minisign key pair and travel in every signature it makes. Written as
/// minisign writes it: the bytes read as a little-endian integer, in 16 upper-case hex digits
/// (minisign 0.12's zero-padded form; 0.11 drops leading zeros, which this reads as well).
/// </summary>
public readonly record struct MinisignKeyId(ulong Value)
{
    public const int Length = 8;

    internal static MinisignKeyId Read(ReadOnlySpan<byte> bytes) => new(BinaryPrimitives.ReadUInt64LittleEndian(bytes));

    internal void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, Value);

    /// <summary>Reads the hex form (as <c>minisign</c> prints it, padded or not).</summary>
    public static MinisignKeyId Parse(string text) =>
        text.Length is > 0 and <= 16 && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? new MinisignKeyId(value)
            : throw new MinisignException(MinisignFailure.Malformed, "a minisign key id is up to 16 hex digits");

    public override string ToString() => Value.ToString("X16", CultureInfo.InvariantCulture);
}
