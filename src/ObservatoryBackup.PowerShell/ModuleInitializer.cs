using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// On Import-Module: the engine, ObservatoryBackup.Core, is resolved from <c>Dependencies/</c> into the
/// module's own <see cref="DependencyLoadContext"/>, which then loads the engine's dependencies itself.
/// PowerShell's documented pattern for resolving module dependency conflicts. Where there is no
/// <c>Dependencies/</c> folder (a build output used by in-process tests), nothing changes.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string EngineAssembly = "ObservatoryBackup.Core";
    private static readonly string DependencyDirectory =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "Dependencies");
    private static readonly Lazy<DependencyLoadContext> Context = new(() => new DependencyLoadContext(DependencyDirectory));

    public void OnImport() => AssemblyLoadContext.Default.Resolving += Resolve;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= Resolve;

    /// <summary>The context the engine runs in (the default one when the module is not laid out).</summary>
    public static AssemblyLoadContext? EngineContext => AssemblyLoadContext.GetLoadContext(typeof(Errors.ObsBackupException).Assembly);

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineAssembly && System.IO.Directory.Exists(DependencyDirectory)
            ? Context.Value.LoadFromAssemblyName(name)
            : null;
}
