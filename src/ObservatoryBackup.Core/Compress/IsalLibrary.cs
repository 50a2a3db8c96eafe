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
    /// <summary>
    /// The soname of ISA-L 2.x, the ABI whose structs we declare; never the development symlink
    /// <c>libisal.so</c>, which may name another major version.
    /// </summary>
    public static readonly IReadOnlyList<string> Names = ["libisal.so.2"];

    /// <summary>
    /// A function ISA-L has had since 2.24: the floor of the versions our struct layouts hold for (2.21 and
    /// 2.22 lay <c>struct inflate_state</c> out otherwise, and only 2.24 reads a member without its header).
    /// </summary>
    internal const string VersionMarker = "isal_read_gzip_header";

    private IsalLibrary(string name, nint handle)
    {
        Name = name;
        DeflateStatelessInit = (delegate* unmanaged<IsalZStream*, void>)NativeLibrary.GetExport(handle, "isal_deflate_stateless_init");
        DeflateStateless = (delegate* unmanaged<IsalZStream*, int>)NativeLibrary.GetExport(handle, "isal_deflate_stateless");
        InflateInit = (delegate* unmanaged<IsalInflateState*, void>)NativeLibrary.GetExport(handle, "isal_inflate_init");
        Inflate = (delegate* unmanaged<IsalInflateState*, int>)NativeLibrary.GetExport(handle, "isal_inflate");
        NativeLibrary.GetExport(handle, VersionMarker);
    }

    /// <summary>The name it was loaded by.</summary>
    public string Name { get; }

    public delegate* unmanaged<IsalZStream*, void> DeflateStatelessInit { get; }
    public delegate* unmanaged<IsalZStream*, int> DeflateStateless { get; }
    public delegate* unmanaged<IsalInflateState*, void> InflateInit { get; }
    public delegate* unmanaged<IsalInflateState*, int> Inflate { get; }

    /// <summary>
    /// ISA-L loaded by the first of <paramref name="names"/> (a name or a path) that loads, is 2.24 or later
    /// (<see cref="VersionMarker"/>) and passes <see cref="IsalKnownAnswer"/>; null when none does, with
    /// <paramref name="refusal"/> saying why a library that loaded was not used.
    /// </summary>
    public static IsalLibrary? TryLoad(IEnumerable<string> names, out string? refusal)
    {
        refusal = null;
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            IsalLibrary isal;
            try
            {
                isal = new IsalLibrary(name, handle);
            }
            catch (EntryPointNotFoundException)
            {
                NativeLibrary.Free(handle); // another library of that name, or an ISA-L older than 2.24
                refusal = $"{name} lacks a function of ISA-L 2.24 or later (isal_deflate_stateless, isal_inflate, {VersionMarker}, …)";
                continue;
            }
            if (IsalKnownAnswer.Failure(isal) is { } failure)
            {
                refusal = $"{name} failed the known-answer test of its struct layouts: {failure}";
                continue; // left loaded: a library that misbehaved is not unloaded under our feet
            }
            return isal;
        }
        return null;
    }
}
