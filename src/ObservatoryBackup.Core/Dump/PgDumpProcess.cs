using CliWrap;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Dump;

/// <summary>pg_dump in plain SQL format, writing into a stream. CliWrap runs it: async pipes, cancellation kills it.</summary>
public sealed class PgDumpProcess(string pgDumpPath, DatabaseUrl database)
{
    /// <summary>Streams the dump into <paramref name="output"/>; returns the exit code and stderr once the process has exited.</summary>
    public async Task<(int ExitCode, string StandardError)> RunAsync(Stream output, CancellationToken ct)
    {
        var stderr = new StandardErrorTail();
        var result = await Cli.Wrap(pgDumpPath)
            .WithArguments(["--format=plain", "--no-password"])
            .WithEnvironmentVariables(LibpqEnvironment.For(database))
            .WithStandardOutputPipe(PipeTarget.ToStream(output))
            .WithStandardErrorPipe(stderr.Target)
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(ct).ConfigureAwait(false);
        return (result.ExitCode, stderr.ToString());
    }
}
