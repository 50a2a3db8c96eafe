using System.CommandLine;

namespace ObservatoryBackup.Cli;

/// <summary>Options more than one command takes, made anew for each (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<bool> DryRun() => new("--dry-run") { Description = "Connect and report what would be done; write nothing." };

    public static Option<bool> Yes() => new("--yes", "-y") { Description = "Do not ask for confirmation (for CI and automation)." };

    public static Option<bool> NoOwner() => new("--no-owner") { Description = "Leave ownership and privileges out: every object is owned by the connecting user (a new server that lacks the backup's roles)." };

    public static Option<bool> NoTablespaces() => new("--no-tablespaces") { Description = "Leave pg_dump's tablespace choices out: every object in the database's default tablespace (a server that lacks the backup's tablespaces)." };

    public static Option<string?> MetricsFile() => new("--metrics-file") { Description = "Write node_exporter textfile metrics to this .prom file (default: OBS_METRICS_FILE)." };

    public static Option<string?> IdentityFile() => new("--identity-file") { Description = "The age identity file that opens encrypted backups (….age), as age-keygen writes it; default: OBS_AGE_IDENTITY_FILE." };
}
