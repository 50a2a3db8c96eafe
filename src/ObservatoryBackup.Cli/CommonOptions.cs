using System.CommandLine;

namespace ObservatoryBackup.Cli;

/// <summary>Options more than one command takes, made anew for each (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<bool> DryRun() => new("--dry-run") { Description = "Connect and report what would be done; write nothing." };

    public static Option<bool> Yes() => new("--yes", "-y") { Description = "Do not ask for confirmation (for CI and automation)." };

    public static Option<bool> NoOwner() => new("--no-owner") { Description = "Leave ownership and privileges out: every object is owned by the connecting user (a new server that lacks the backup's roles)." };

    public static Option<bool> NoTablespaces() => new("--no-tablespaces") { Description = "Leave pg_dump's tablespace choices out: every object in the database's default tablespace (a server that lacks the backup's tablespaces)." };

    public static Option<int?> Jobs() => new("--jobs")
    {
        Description = "Connections to load the backup over: rows dealt across them, indexes built in parallel; 1 is one psql in dump order. Default: OBS_RESTORE_JOBS, then the number of cores less one (one is left for decompressing and checking), at most 8.",
    };

    public static Option<string?> MetricsFile() => new("--metrics-file") { Description = "Write node_exporter textfile metrics to this .prom file (default: OBS_METRICS_FILE)." };

    public static Option<string?> IdentityFile() => new("--identity-file") { Description = "The age identity file that opens encrypted backups (….age), as age-keygen writes it; default: OBS_AGE_IDENTITY_FILE." };

    public static Option<string[]> TrustedKey() => new("--trusted-key")
    {
        Description = "Restore only backups signed by this minisign public key (the base64 line of its .pub file, as minisign -P takes it; repeat for more): an unsigned, otherwise signed or altered backup is refused before any of it is loaded. Default: OBS_TRUSTED_KEYS, then OBS_TRUSTED_KEYS_FILE; unchecked when none (the log says so).",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Retention's keep rules (restic's --keep-*), for backup and prune.</summary>
    public static KeepOptions Keep() => new(
        new Option<int?>("--keep-last") { Description = "Also keep the N newest backups of each database (default: BACKUP_KEEP_LAST)." },
        new Option<int?>("--keep-daily") { Description = "Also keep the newest backup of each of the last N days that have one (default: BACKUP_KEEP_DAILY)." },
        new Option<int?>("--keep-weekly") { Description = "Also keep the newest backup of each of the last N ISO weeks that have one (default: BACKUP_KEEP_WEEKLY)." },
        new Option<int?>("--keep-monthly") { Description = "Also keep the newest backup of each of the last N months that have one (default: BACKUP_KEEP_MONTHLY)." },
        new Option<int?>("--keep-yearly") { Description = "Also keep the newest backup of each of the last N years that have one (default: BACKUP_KEEP_YEARLY)." });
}

/// <summary>The keep-rule options of one command, and the overrides they give.</summary>
internal sealed record KeepOptions(Option<int?> Last, Option<int?> Daily, Option<int?> Weekly, Option<int?> Monthly, Option<int?> Yearly)
{
    public void AddTo(Command command)
    {
        foreach (var option in new[] { Last, Daily, Weekly, Monthly, Yearly }) command.Options.Add(option);
    }

    public Configuration.SettingOverrides Apply(ParseResult r, Configuration.SettingOverrides overrides) => overrides with
    {
        KeepLast = r.GetValue(Last),
        KeepDaily = r.GetValue(Daily),
        KeepWeekly = r.GetValue(Weekly),
        KeepMonthly = r.GetValue(Monthly),
        KeepYearly = r.GetValue(Yearly),
    };
}
