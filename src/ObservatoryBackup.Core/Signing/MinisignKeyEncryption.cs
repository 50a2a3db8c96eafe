using System.Buffers.Binary;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;

namespace ObservatoryBackup.Signing;

/// <summary>
/// How minisign encrypts a secret key: the key id, secret key and checksum are XORed with scrypt of the
/// password, with the salt and libsodium's opslimit/memlimit pair stored in the file. The pair is turned
/// into scrypt's N, r, p as libsodium's <c>crypto_pwhash_scryptsalsa208sha256</c> does (its pickparams).
/// </summary>
internal static class MinisignKeyEncryption
{
    public const int SaltSize = 32;

    /// <summary>minisign's limits (libsodium's "sensitive" ones, 1 GiB): a key file asking more is refused, not run.</summary>
    public const ulong MaxOpsLimit = 33554432;
    public const ulong MaxMemLimit = 1073741824;

    /// <summary>The bytes to XOR with <paramref name="length"/> bytes of the key.</summary>
    public static byte[] Stream(string password, ReadOnlySpan<byte> salt, ulong opsLimit, ulong memLimit, int length)
    {
        if (opsLimit > MaxOpsLimit || memLimit > MaxMemLimit)
            throw new MinisignException(MinisignFailure.Unsupported,
                $"the secret key's key derivation asks for more work or memory than minisign ever uses (opslimit {opsLimit}, memlimit {memLimit})");
        var (nLog2, r, p) = PickParams(opsLimit, memLimit);
        return SCrypt.Generate(Encoding.UTF8.GetBytes(password), salt.ToArray(), 1 << nLog2, r, p, length);
    }

    /// <summary>libsodium's mapping of an opslimit and memlimit to scrypt's log2(N), r and p.</summary>
    public static (int NLog2, int R, int P) PickParams(ulong opsLimit, ulong memLimit)
    {
        if (opsLimit < 32768) opsLimit = 32768;
        const int r = 8;
        int nLog2;
        if (opsLimit < memLimit / 32)
        {
            var maxN = opsLimit / (r * 4);
            for (nLog2 = 1; nLog2 < 63; nLog2++)
                if (1UL << nLog2 > maxN / 2) break;
            return (nLog2, r, 1);
        }
        var maxNm = memLimit / (r * 128);
        for (nLog2 = 1; nLog2 < 63; nLog2++)
            if (1UL << nLog2 > maxNm / 2) break;
        var maxrp = Math.Min(opsLimit / 4 / (1UL << nLog2), 0x3fffffff);
        return (nLog2, r, (int)((uint)maxrp / r));
    }

    public static ulong ReadLimit(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt64LittleEndian(bytes);

    public static void WriteLimit(Span<byte> destination, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(destination, value);
}
