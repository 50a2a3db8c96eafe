using CliWrap;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Dump;

namespace ObservatoryBackup.Restore;

/// <summary>
/// psql applying SQL from a stream. ON_ERROR_STOP makes the first failing statement end the run with
/// a non-zero exit, where the replaced script carried on and called a partial restore a success.
/// </summary>
public sealed class PsqlProcess(string psqlPath, DatabaseUrl database)
{
    public async Task<(int ExitCode, string StandardError)> RunAsync(Stream sql, CancellationToken ct)
    {
        var stderr = new StandardErrorTail();
        var result = await Cli.Wrap(psqlPath)
            .WithArguments(["--no-psqlrc", "--quiet", "--no-password", "--set", "ON_ERROR_STOP=1"])
            .WithEnvironmentVariables(LibpqEnvironment.For(database))
            .WithStandardInputPipe(PipeSource.FromStream(sql))
            // drain stdout: psql dies of a broken pipe if nobody reads the results of the dump's SELECTs
            .WithStandardOutputPipe(PipeTarget.ToStream(Stream.Null))
            .WithStandardErrorPipe(stderr.Target)
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(ct).ConfigureAwait(false);
        return (result.ExitCode, stderr.ToString());
    }
}
