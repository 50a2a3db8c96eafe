using System.Runtime.InteropServices;

namespace ObservatoryBackup.Compress;

/// <summary>
/// The parts of ISA-L's <c>struct inflate_state</c> (igzip_lib.h of ISA-L 2.30, laid out the same in 2.31 and 2.32; GzipCodecChoiceTests compares it with the installed header) that a caller reads and
/// sets, at their offsets as gcc lays them out on 64-bit Linux; between them lie the Huffman decode
/// tables, after them the 64 KiB output window. <see cref="IsalInflater"/> allocates all <see cref="Size"/> bytes.
/// </summary>
[StructLayout(LayoutKind.Explicit)]
internal unsafe struct IsalInflateState
{
    /// <summary><c>sizeof(struct inflate_state)</c>.</summary>
    public const int Size = 87368;

    [FieldOffset(0)] public byte* NextOut;
    [FieldOffset(8)] public uint AvailOut;
    [FieldOffset(12)] public uint TotalOut;
    [FieldOffset(16)] public byte* NextIn;
    [FieldOffset(24)] public ulong ReadIn;
    [FieldOffset(32)] public uint AvailIn;
    [FieldOffset(36)] public int ReadInLength;
    /// <summary><c>enum isal_block_state</c>: <see cref="BlockFinish"/> once a member and its trailer are read.</summary>
    [FieldOffset(21160)] public int BlockState;
    [FieldOffset(21172)] public uint CrcFlag;
    [FieldOffset(21176)] public uint Crc;

    public const int BlockNewHeader = 0;
    public const int BlockFinish = 5;

    /// <summary>crc_flag: parse the gzip header, check the trailer's CRC-32 and length.</summary>
    public const uint Gzip = 1;

    public const int DecompOk = 0;
    public const int EndInput = 1;
    public const int OutOverflow = 2;

    /// <summary>What a negative return of isal_inflate means.</summary>
    public static string Failure(int code) => code switch
    {
        -1 => "invalid deflate block",
        -2 => "invalid deflate symbol",
        -3 => "invalid look-back distance",
        -4 => "invalid gzip header",
        -5 => "unsupported compression method in the gzip header",
        -6 => "the gzip trailer's CRC-32 or length does not match the data",
        -9 => "invalid operation",
        _ => $"ISA-L inflate error {code}",
    };
}
