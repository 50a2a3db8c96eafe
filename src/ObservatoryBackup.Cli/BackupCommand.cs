using System.CommandLine;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup backup [--dry-run] [--compression …] [--compression-level N] [--metrics-file PATH] [--recipient AGE1…]… [--lock-days N] [--keep-* N] [--exclude-table P]… [--exclude-table-data P]…</c></summary>
internal static class BackupCommand
{
    public static Command Create(Commands app)
    {
        var dryRun = CommonOptions.DryRun();
        var level = new Option<int?>("--compression-level")
        {
            Description = "gzip 1-9 (default 4) or zstd 1-19 (default 1).",
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return n;
                r.AddError($"--compression-level takes a whole number (gzip 1-9, zstd 1-19), not '{text}'.");
                return null;
            },
        };
        var compression = new Option<string?>("--compression") { Description = "gzip (the default, .sql.gz) or zstd (.sql.zst); default: OBS_COMPRESSION, then gzip." };
        var metricsFile = CommonOptions.MetricsFile();
        var recipient = new Option<string[]>("--recipient")
        {
            Description = "Encrypt the backup with age to this recipient (age1…; repeat for more): the object is named ….sql.gz.age. Default: OBS_AGE_RECIPIENTS, then OBS_AGE_RECIPIENTS_FILE; unencrypted when none.",
            AllowMultipleArgumentsPerToken = false,
        };
        var lockDays = new Option<int?>("--lock-days")
        {
            Description = "Write the backup under S3 Object Lock for this many days (GOVERNANCE, or OBS_OBJECT_LOCK_MODE=COMPLIANCE); the bucket must have Object Lock. Default: OBS_OBJECT_LOCK_DAYS.",
        };
        var backup = new Command("backup", "Dump the database, compress it and upload it as postgres/YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS.sql.gz (.sql.zst with --compression zstd; observatory_… for the observatory database), then delete that database's backups older than BACKUP_RETENTION_DAYS.")
        {
            dryRun, level, compression, metricsFile, recipient, lockDays,
        };
        var keep = CommonOptions.Keep();
        keep.AddTo(backup);
        var excludeTable = new Option<string[]>("--exclude-table") { Description = "Leave this table out, whole (pg_dump's pattern; repeat for more)." };
        var excludeTableData = new Option<string[]>("--exclude-table-data") { Description = "Keep this table's definition, leave its rows out (pg_dump's pattern; repeat for more)." };
        backup.Options.Add(excludeTable);
        backup.Options.Add(excludeTableData);
        backup.SetAction((r, ct) => app.BackupAsync(r.GetValue(dryRun), r.GetValue(level), r.GetValue(compression), r.GetValue(metricsFile),
            r.GetValue(recipient) is { Length: > 0 } recipients ? recipients : null, r.GetValue(lockDays), ct, o => keep.Apply(r, o) with
            {
                ExcludeTables = r.GetValue(excludeTable) is { Length: > 0 } tables ? tables : null,
                ExcludeTableData = r.GetValue(excludeTableData) is { Length: > 0 } data ? data : null,
            }));
        return backup;
    }
}
