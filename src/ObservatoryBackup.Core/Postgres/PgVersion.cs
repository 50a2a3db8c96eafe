using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CliWrap;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>A PostgreSQL major.minor version, as pg_dump --version prints it or the server reports it.</summary>
public sealed partial record PgVersion(int Major, int Minor)
{
    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")]
    private static partial Regex VersionLine();

    public static PgVersion? TryParseToolOutput(string output)
    {
        var m = VersionLine().Match(output);
        return m.Success
            ? new PgVersion(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0)
            : null;
    }

    public static async Task<PgVersion> OfToolAsync(string toolPath, CancellationToken ct)
    {
        var stdout = new StringBuilder();
        var command = Cli.Wrap(toolPath).WithArguments(["--version"])
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithValidation(CommandResultValidation.None);
        var result = await PgCommand.StartAsync(toolPath, () => PgCommand.ExecuteAsync(command, new Dictionary<string, string?>(), ct)).ConfigureAwait(false);
        return TryParseToolOutput(stdout.ToString())
            ?? throw new PgToolException(ObsErrorKind.ToolNotFound, ErrorIds.PgToolUnrecognised, toolPath,
                $"'{toolPath} --version' did not print a PostgreSQL version (exit code {result.ExitCode}).");
    }

    public override string ToString() => $"{Major}.{Minor}";
}
