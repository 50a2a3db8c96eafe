using System.CommandLine;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Help;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;
using ObservatoryBackup.Testing;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup test [OBJECT | --latest] [--verify-only] [--keep] [--no-owner] [--no-tablespaces] [--identity-file FILE] [--trusted-key KEY]… [--jobs N]</c>: the spec's restore test.</summary>
internal static class TestCommand
{
    public static Command Create(Commands app)
    {
        var testObject = new Argument<string?>("object") { Description = OptionNames.Render(ParameterTexts.TestObjectName) + " Or --latest.", Arity = ArgumentArity.ZeroOrOne };
        var latest = new Option<bool>("--latest") { Description = OptionNames.Render(ParameterTexts.Latest) };
        var database = new Option<string?>("--database") { Description = OptionNames.Render(ParameterTexts.LatestOfDatabase) + " Goes with --latest." };
        var verifyOnly = new Option<bool>("--verify-only") { Description = OptionNames.Render(ParameterTexts.VerifyOnly) };
        var keep = new Option<bool>("--keep") { Description = OptionNames.Render(ParameterTexts.Keep) };
        var noOwner = CommonOptions.NoOwner();
        var noTablespaces = CommonOptions.NoTablespaces();
        var metricsFile = CommonOptions.MetricsFile(ParameterTexts.TestMetricsPath);
        var identityFile = CommonOptions.IdentityFile();
        var trustedKey = CommonOptions.TrustedKey();
        var jobs = CommonOptions.Jobs();
        var test = new Command("test", "Prove a backup restores: restore it into a scratch database on the server of DATABASE_URL and check every table's row count; the scratch database is dropped afterwards.")
        {
            testObject, latest, database, verifyOnly, keep, noOwner, noTablespaces, metricsFile, identityFile, trustedKey, jobs,
        };
        test.SetAction((r, ct) => r.GetValue(latest) && r.GetValue(testObject) is { } named
            ? Task.FromResult(app.Fail($"'{named}' names one backup and --latest another; give one of them.", ExitCodes.BadConfiguration))
            : app.RunAsync(resolver => resolver.ResolveTest(new SettingOverrides
            {
                MetricsPath = r.GetValue(metricsFile), IdentityFile = r.GetValue(identityFile), RestoreJobs = r.GetValue(jobs),
                NoOwner = r.GetValue(noOwner), NoTablespaces = r.GetValue(noTablespaces),
                TrustedKeys = r.GetValue(trustedKey) is { Length: > 0 } keys ? keys : null,
                Choice = r.GetValue(latest) ? BackupChoice.Latest : BackupChoice.Named, LatestOf = r.GetValue(database),
            }, verifyOnly: r.GetValue(verifyOnly)), async (options, log) =>
            {
                var name = r.GetValue(latest)
                    ? (await new BackupCatalog(options.Settings.Storage, new EventLog(log, TimeProvider.System)).NewestAsync(options.LatestOf, ct)).ObjectName
                    : r.GetValue(testObject) ?? throw new BackupDataException(ObsErrorKind.InvalidArgument, ErrorIds.InvalidObjectName, "", "Name the backup to test, or pass --latest.");
                var result = await new BackupTestEngine(options, log).RunAsync(name, r.GetValue(verifyOnly), r.GetValue(keep), ct);
                if (result.Passed) return ExitCodes.Success;
                foreach (var m in result.Mismatches)
                    app.Error.WriteLine($"obs-backup: error: {m}");
                return ExitCodes.Failed;
            }));
        return test;
    }
}
