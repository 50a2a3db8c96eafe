using System.Runtime.InteropServices;

namespace ObservatoryBackup.Compress;

/// <summary>
/// The head of ISA-L's <c>struct isal_zstream</c> (igzip_lib.h of ISA-L 2.30, Debian 12's libisal2,
/// laid out the same in 2.31 and 2.32; GzipCodecChoiceTests compares it with the installed header): the fields a caller sets. The internal state follows them; the whole is <see cref="Size"/>
/// bytes, which <see cref="IsalDeflater"/> allocates, so only this head is declared.
/// Offsets as gcc lays them out on 64-bit Linux: next_in 0, avail_in 8, next_out 16, avail_out 24,
/// hufftables 32, level 40, level_buf 48, end_of_stream 56, flush 58, gzip_flag 60, internal_state 64.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IsalZStream
{
    /// <summary><c>sizeof(struct isal_zstream)</c>: the head, then <c>struct isal_zstate</c> with its 64 KiB history buffer and hash table.</summary>
    public const int Size = 82384;

    public byte* NextIn;
    public uint AvailIn;
    public uint TotalIn;
    public byte* NextOut;
    public uint AvailOut;
    public uint TotalOut;
    public void* HuffTables;
    public uint Level;
    public uint LevelBufSize;
    public byte* LevelBuf;
    public ushort EndOfStream;
    public ushort Flush;
    public ushort GzipFlag;
    public ushort HistBits;

    public const ushort NoFlush = 0;
    public const ushort FullFlush = 2;

    /// <summary>Raw deflate: the gzip header and trailer are ours.</summary>
    public const ushort Deflate = 0;

    public const int CompOk = 0;
    public const int StatelessOverflow = -1;
}
