using CliWrap;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Postgres;

/// <summary>Runs a PostgreSQL client program against a database: libpq environment in, stderr tail and exit code out.</summary>
internal static class PgCommand
{
    public static async Task<(int ExitCode, string StandardError)> RunAsync(string program, string[] arguments, DatabaseUrl database,
        PipeSource input, PipeTarget output, CancellationToken ct)
    {
        var stderr = new StandardErrorTail();
        var result = await Cli.Wrap(program)
            .WithArguments(arguments)
            .WithEnvironmentVariables(LibpqEnvironment.For(database))
            .WithStandardInputPipe(input)
            .WithStandardOutputPipe(output)
            .WithStandardErrorPipe(stderr.Target)
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(ct).ConfigureAwait(false);
        return (result.ExitCode, stderr.ToString());
    }
}
