using Xunit.Abstractions;
using CliWrap;
using CliWrap.Buffered;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Pester;

/// <summary>
/// The Pester suites (tests/pester/*.Tests.ps1), each in a fresh pwsh 7.6 process that imports the
/// laid-out module by its manifest, against this run's PostgreSQL and S3 servers. They are part of
/// the one test command; without a pwsh they fail, saying how to get one.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class PesterSuites(Servers servers, ITestOutputHelper output)
{
    private static readonly string SuiteDir = Path.Combine(Shell.RepoRoot, "tests", "pester");

    public static TheoryData<string> Suites => new(Directory.GetFiles(SuiteDir, "*.Tests.ps1").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Suites))]
    public async Task Passes_in_a_real_pwsh(string suite)
    {
        var pwsh = Pwsh.Locate();
        output.WriteLine($"{suite} runs in {pwsh.Description}");
        var moduleRoot = Path.Combine(Shell.RepoRoot, "src", "ObservatoryBackup.PowerShell", "bin", BuildConfiguration, "net10.0", "module");
        var manifest = Path.Combine(moduleRoot, "ObservatoryBackup", "ObservatoryBackup.psd1");
        Assert.True(File.Exists(manifest), $"The laid-out module is missing: {manifest}");
        var pg = servers.Postgres;
        var env = new Dictionary<string, string?>
        {
            ["OBS_TEST_MODULE"] = manifest,
            ["PSModulePath"] = moduleRoot + Path.PathSeparator + Environment.GetEnvironmentVariable("PSModulePath"),
            ["OBS_TEST_PG_HOST"] = "127.0.0.1",
            ["OBS_TEST_PG_PORT"] = pg.Port.ToString(),
            ["OBS_TEST_PG_USER"] = PostgresServer.AdminUser,
            ["OBS_TEST_PG_PASSWORD"] = PostgresServer.AdminPassword,
            ["OBS_TEST_PGBIN"] = PostgresServer.BinDir,
            ["OBS_TEST_S3_ENDPOINT"] = servers.S3.Endpoint,
            ["OBS_TEST_S3_ACCESS_KEY"] = servers.S3.AccessKey,
            ["OBS_TEST_S3_SECRET_KEY"] = servers.S3.SecretKey,
            ["OBS_TEST_CONFLICTS"] = Path.Combine(Shell.RepoRoot, "tests", "ConflictingDependencies", "bin", BuildConfiguration, "net10.0"),
            ["OBS_TEST_REPO"] = Shell.RepoRoot,
            ["OBS_TEST_PESTER"] = pwsh.PesterModule ?? "Pester",
            // nothing of the caller's configuration leaks into the suites
            ["DATABASE_URL"] = null, ["MINIO_ENDPOINT"] = null, ["MINIO_BUCKET"] = null, ["OBS_LOG_FORMAT"] = null,
        };
        const string run = """
            $ErrorActionPreference = 'Stop'
            Import-Module $env:OBS_TEST_PESTER -MinimumVersion 5.5 -ErrorAction Stop
            $config = New-PesterConfiguration
            $config.Run.Path = $env:OBS_PESTER_SUITE
            $config.Run.Exit = $true
            $config.Output.Verbosity = 'Detailed'
            $config.Output.RenderMode = 'Plaintext'
            Invoke-Pester -Configuration $config
            """;
        env["OBS_PESTER_SUITE"] = Path.Combine(SuiteDir, suite);

        Task<BufferedCommandResult> RunAsync() => CliWrap.Cli.Wrap(pwsh.Path).WithArguments(["-NoProfile", "-NonInteractive", "-Command", run])
            .WithEnvironmentVariables(env)
            .WithWorkingDirectory(Shell.RepoRoot)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync().Task;
        // a suite that runs build.ps1 builds the Release configuration, as other tests do meanwhile
        var result = File.ReadAllText(env["OBS_PESTER_SUITE"]!).Contains("build.ps1", StringComparison.Ordinal)
            ? await ReleaseBuild.OneAtATimeAsync(RunAsync)
            : await RunAsync();

        Assert.True(result.ExitCode == 0, $"{suite} failed in {pwsh.Description} (exit {result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Matches(@"Tests Passed: [1-9]\d*, Failed: 0", result.StandardOutput);
    }

    // the configuration this test assembly was built in, so the module laid out by the same build is used
    private static string BuildConfiguration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}
