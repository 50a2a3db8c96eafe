using System.Runtime.InteropServices;

namespace ObservatoryBackup.Compress;

/// <summary>
/// A zeroed, 64-byte aligned block of native memory that ISA-L works in, owned as a SafeHandle: a call
/// holds it (<see cref="Hold"/>) for as long as native code may touch it, and disposing it while a call
/// holds it (another thread, a cancelled run) frees it only once that call has returned, never under it.
/// </summary>
internal sealed unsafe class NativeState : SafeHandle
{
    private static long _live;

    public NativeState(int size) : base(0, ownsHandle: true)
    {
        var memory = NativeMemory.AlignedAlloc((nuint)size, 64);
        NativeMemory.Clear(memory, (nuint)size);
        SetHandle((nint)memory);
        Interlocked.Increment(ref _live);
    }

    /// <summary>Blocks allocated and not yet freed, in the whole process: what a leak or an early free shows in.</summary>
    public static long Live => Interlocked.Read(ref _live);

    public override bool IsInvalid => handle == 0;

    /// <summary>Holds the memory for a call; disposing the result lets it go. Throws <see cref="ObjectDisposedException"/> once disposed.</summary>
    public Holding Hold()
    {
        var added = false;
        DangerousAddRef(ref added);
        return new Holding(this);
    }

    public readonly struct Holding(NativeState state) : IDisposable
    {
        public byte* Pointer => (byte*)state.handle;
        public void Dispose() => state.DangerousRelease();
    }

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        Interlocked.Decrement(ref _live);
        return true;
    }
}
