using System.Reflection;
using System.Runtime.Loader;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// Where the engine and its NuGet dependencies (AWSSDK, Npgsql, Microsoft.Extensions.*, Polly, CliWrap)
/// load, apart from the session's default context: another module's versions of the same assemblies
/// cannot clash with ours. Anything not in <c>Dependencies/</c> (the framework) comes from the default context.
/// </summary>
internal sealed class DependencyLoadContext(string directory) : AssemblyLoadContext("ObservatoryBackup", isCollectible: false)
{
    public string Directory { get; } = directory;

    protected override Assembly? Load(AssemblyName name)
    {
        var path = Path.Combine(Directory, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
