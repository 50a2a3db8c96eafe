using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using ObservatoryBackup.Compress;

namespace ObservatoryBackup.Cli;

/// <summary>
/// <c>--version</c>: the version, then the library that runs gzip on this host (ISA-L, or zlib-ng
/// where libisal2 is absent), which decides how fast backups and restores are.
/// </summary>
internal sealed class VersionAction(TextWriter stdout) : SynchronousCommandLineAction
{
    public static void ReplaceIn(RootCommand root, TextWriter stdout)
    {
        foreach (var option in root.Options.OfType<VersionOption>()) option.Action = new VersionAction(stdout);
    }

    public override int Invoke(ParseResult parseResult)
    {
        var version = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        stdout.WriteLine(version);
        stdout.WriteLine($"gzip: {GzipCodec.Current.Description}");
        return 0;
    }
}
