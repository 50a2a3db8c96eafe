using System.Runtime.InteropServices;

namespace ObservatoryBackup.Compress;

/// <summary>
/// Intel's ISA-L (<c>libisal.so.2</c>, Debian's <c>libisal2</c>, the library behind <c>igzip</c>), loaded
/// at run time: its deflate and inflate entry points as function pointers, which native AOT calls as it
/// calls any C function (no marshalling, no DllImport to resolve at start). A host without the library
/// gets null from <see cref="TryLoad"/> and zlib-ng (<see cref="ZlibNgGzip"/>) does the work.
/// </summary>
internal sealed unsafe class IsalLibrary
{
    /// <summary>The names tried, in order: the soname of ISA-L 2.x, then a development symlink.</summary>
    public static readonly IReadOnlyList<string> Names = ["libisal.so.2", "libisal.so"];

    private IsalLibrary(string name, nint handle)
    {
        Name = name;
        DeflateStatelessInit = (delegate* unmanaged<IsalZStream*, void>)NativeLibrary.GetExport(handle, "isal_deflate_stateless_init");
        DeflateStateless = (delegate* unmanaged<IsalZStream*, int>)NativeLibrary.GetExport(handle, "isal_deflate_stateless");
        InflateInit = (delegate* unmanaged<IsalInflateState*, void>)NativeLibrary.GetExport(handle, "isal_inflate_init");
        InflateReset = (delegate* unmanaged<IsalInflateState*, void>)NativeLibrary.GetExport(handle, "isal_inflate_reset");
        Inflate = (delegate* unmanaged<IsalInflateState*, int>)NativeLibrary.GetExport(handle, "isal_inflate");
    }

    /// <summary>The name it was loaded by.</summary>
    public string Name { get; }

    public delegate* unmanaged<IsalZStream*, void> DeflateStatelessInit { get; }
    public delegate* unmanaged<IsalZStream*, int> DeflateStateless { get; }
    public delegate* unmanaged<IsalInflateState*, void> InflateInit { get; }
    public delegate* unmanaged<IsalInflateState*, void> InflateReset { get; }
    public delegate* unmanaged<IsalInflateState*, int> Inflate { get; }

    /// <summary>ISA-L loaded by the first of <paramref name="names"/> (a name or a path) that loads and has every entry point; null when none does.</summary>
    public static IsalLibrary? TryLoad(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            try
            {
                return new IsalLibrary(name, handle);
            }
            catch (EntryPointNotFoundException)
            {
                NativeLibrary.Free(handle); // another library of that name, or an ISA-L without these functions
            }
        }
        return null;
    }
}
