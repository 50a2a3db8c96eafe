using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>obs-backup as cron runs it: a separate process, configured by its environment only.</summary>
public static class ObsBackupCli
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "obs-backup.dll");

    public static async Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) =>
        await CliWrap.Cli.Wrap("dotnet").WithArguments([Dll, .. args])
            .WithEnvironmentVariables(env)
            .WithStandardInputPipe(PipeSource.FromString(""))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

    /// <summary>Starts obs-backup for a test that signals it while it runs; stdout and stderr are collected.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (key, value) in env)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        return Process.Start(start)!;
    }
}
