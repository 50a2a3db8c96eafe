using CliWrap;
using CliWrap.Buffered;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>scripts/try.sh, the README's first command, as a newcomer runs it: from a shell that may already point at other servers.</summary>
public sealed class TryScriptTests
{
    [Fact]
    public async Task Try_sh_ignores_the_callers_database_and_store_settings()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var result = await Fixtures.ReleaseBuild.OneAtATimeAsync(() => CliWrap.Cli.Wrap("bash").WithArguments([Path.Combine(root, "scripts/try.sh")])
            .WithEnvironmentVariables(new Dictionary<string, string?>
            {
                ["PGPASSWORD"] = "not-the-password",
                ["PGUSER"] = "someone_else",
                ["PGHOST"] = "127.0.0.1",
                ["PGPORT"] = "1",
                ["PGDATABASE"] = "elsewhere",
                ["DATABASE_URL"] = "postgresql://someone_else:wrong@127.0.0.1:1/elsewhere",
                ["MINIO_ENDPOINT"] = "127.0.0.1:1",
                ["MINIO_ACCESS_KEY"] = "WRONGACCESSKEY",
                ["MINIO_SECRET_KEY"] = "wrong-secret",
                ["MINIO_BUCKET"] = "someone-elses-bucket",
                ["MINIO_SECURE"] = "true",
                ["OBS_LOG_FORMAT"] = "json",
            })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync().Task);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }
}
