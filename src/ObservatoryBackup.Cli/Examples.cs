using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace ObservatoryBackup.Cli;

/// <summary>
/// An "Examples:" section at the end of each command's --help: System.CommandLine's help has none, so the
/// root's help action gets one more section in its layout. A test holds every command to having examples.
/// </summary>
internal static class Examples
{
    /// <summary>Each command's examples: a line starting with # says what the line after it does.</summary>
    private static readonly Dictionary<string, string[]> ByCommand = new(StringComparer.Ordinal)
    {
        ["obs-backup"] = ["obs-backup backup", "obs-backup list", "obs-backup restore --latest --database observatory"],
        ["backup"] =
        [
            "obs-backup backup",
            "# every database of the server and its roles, two at a time, encrypted",
            "obs-backup backup --all-databases --parallel 2 --recipient age1…",
        ],
        ["list"] = ["obs-backup list --database observatory", "obs-backup list --latest --json | jq -r '.[0].object_name'"],
        ["restore"] =
        [
            "obs-backup restore --latest",
            "# the newest backup of observatory into a copy beside it, then one table of it into another",
            "obs-backup restore --latest --database observatory --target-database observatory_copy --yes",
            "obs-backup restore --latest --database observatory --table research.queries --target-database queries_only --yes",
            "DATABASE_URL=postgresql://localhost/observatory_copy obs-backup restore postgres/2026/02/16/observatory_20260216_020000.sql.gz --yes",
        ],
        ["contents"] = ["obs-backup contents postgres/2026/02/16/observatory_20260216_020000.sql.gz", "obs-backup contents postgres/2026/02/16/observatory_20260216_020000.sql.gz --verify --json"],
        ["prune"] = ["obs-backup prune --dry-run --keep-daily 7 --keep-weekly 4"],
        ["test"] = ["obs-backup test --latest", "obs-backup test --latest --verify-only --json"],
        ["status"] =
        [
            "obs-backup status --database observatory --max-age 26h",
            "obs-backup status --all-databases --json | jq '.[] | select(.fresh | not) | .database'",
            "# every database but those dropped on purpose (their last backups stay in the bucket)",
            "obs-backup status --exclude-database 'scratch_*' --exclude-database old_survey",
        ],
        ["rotate-credential-key"] = ["CREDENTIAL_ENCRYPTION_KEY_NEW=$(obs-backup new-credential-key) obs-backup rotate-credential-key --yes"],
        ["new-credential-key"] = ["obs-backup new-credential-key"],
        ["new-age-key"] = ["obs-backup new-age-key --output ~/.config/obs-backup/age.key"],
        ["new-signing-key"] = ["obs-backup new-signing-key --output obs.key --public-key-output obs.pub"],
        ["pin"] = ["obs-backup pin postgres/2026/02/16/observatory_20260216_020000.sql.gz"],
        ["unpin"] = ["obs-backup unpin postgres/2026/02/16/observatory_20260216_020000.sql.gz"],
    };

    /// <summary>The examples <paramref name="command"/> shows; empty when it has none.</summary>
    public static IReadOnlyList<string> Of(Command command) => ByCommand.TryGetValue(command.Name, out var lines) ? lines : [];

    /// <summary>Adds the section to the help of <paramref name="root"/> and every command under it, written to <paramref name="output"/> after the rest.</summary>
    public static void InstallIn(RootCommand root, TextWriter output)
    {
        foreach (var help in root.Options.OfType<HelpOption>())
            if (help.Action is HelpAction action)
                help.Action = new WithExamples(action, output);
    }

    /// <summary>Whether <paramref name="action"/> is the help (which answers even a line that does not parse).</summary>
    public static bool IsHelp(System.CommandLine.Invocation.CommandLineAction? action) => action is WithExamples or HelpAction;

    /// <summary>System.CommandLine's help, then the command's examples.</summary>
    private sealed class WithExamples(HelpAction help, TextWriter output) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var code = help.Invoke(parseResult);
            var lines = Of(parseResult.CommandResult.Command);
            if (lines.Count == 0) return code;
            output.WriteLine("Examples:");
            foreach (var line in lines) output.WriteLine("  " + line);
            return code;
        }
    }
}
