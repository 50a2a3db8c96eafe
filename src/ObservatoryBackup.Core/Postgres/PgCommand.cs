using System.ComponentModel;
using CliWrap;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>Runs a PostgreSQL client program against a database: libpq environment in, stderr tail and exit code out.</summary>
internal static class PgCommand
{
    public static async Task<(int ExitCode, string StandardError)> RunAsync(string program, string[] arguments, DatabaseUrl database,
        PipeSource input, PipeTarget output, CancellationToken ct, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var stderr = new StandardErrorTail();
        var command = Cli.Wrap(program)
            .WithArguments(arguments)
            .WithStandardInputPipe(input)
            .WithStandardOutputPipe(output)
            .WithStandardErrorPipe(stderr.Target)
            .WithValidation(CommandResultValidation.None);
        var ours = environment is null ? LibpqEnvironment.For(database) : LibpqEnvironment.For(database).Concat(environment).ToDictionary();
        var result = await StartAsync(program, () => ExecuteAsync(command, ours, ct)).ConfigureAwait(false);
        return (result.ExitCode, stderr.ToString());
    }

    /// <summary>
    /// Runs <paramref name="command"/> with the environment <see cref="ToolEnvironment"/> builds and
    /// <paramref name="ours"/>: a PostgreSQL client program never inherits our process's environment whole.
    /// </summary>
    public static async Task<CommandResult> ExecuteAsync(Command command, IReadOnlyDictionary<string, string?> ours, CancellationToken ct) =>
        await command.ExecuteAsync(start => ToolEnvironment.Restrict(start.Environment, ours), null, ct, CancellationToken.None).ConfigureAwait(false);

    /// <summary>Runs <paramref name="run"/>; a program that cannot be started (not executable, wrong format) is a <see cref="PgToolException"/>.</summary>
    public static async Task<T> StartAsync<T>(string program, Func<Task<T>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Win32Exception ex)
        {
            throw new PgToolException(ObsErrorKind.ToolNotFound, ErrorIds.PgToolNotExecutable, program,
                $"'{program}' could not be started: {ex.Message}. Check that it is an executable PostgreSQL client program.");
        }
    }
}
