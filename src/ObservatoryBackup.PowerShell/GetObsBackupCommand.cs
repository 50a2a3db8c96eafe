using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Lists the backups in the bucket, newest first.</para>
/// <para type="description">Outputs one object per backup (ObjectName, Bucket, Size, LastModified, Timestamp) that pipes into Restore-ObsBackup.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ObsBackup")]
[OutputType(typeof(StoredBackup))]
public sealed class GetObsBackupCommand : ObsStorageCmdletBase
{
    /// <summary>Object names to list; wildcards are allowed.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only backups of this database, as their object names record it (postgres/YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS.sql.gz).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DatabaseNameCompleter))]
    public string? Database { get; set; }

    /// <summary>Only the newest backup.</summary>
    [Parameter]
    public SwitchParameter Latest { get; set; }

    /// <summary>Only backups taken after this time (local time unless the value says otherwise).</summary>
    [Parameter]
    public DateTime? After { get; set; }

    /// <summary>Only backups taken before this time.</summary>
    [Parameter]
    public DateTime? Before { get; set; }

    protected override void Complete()
    {
        var settings = ResolveSettings(needsDatabase: false, new SettingOverrides());
        var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var query = new BackupQuery
        {
            NameFilter = patterns is null ? null : name => patterns.Any(p => p.IsMatch(name)),
            Database = Database,
            After = After is { } a ? ToUtc(a) : null,
            Before = Before is { } b ? ToUtc(b) : null,
            Latest = Latest.IsPresent,
        };
        var backups = Run(ct => new BackupCatalog(settings.Storage, new EventLog(Log, TimeProvider.System)).ListAsync(query, ct));
        foreach (var backup in backups) WriteObject(backup);
    }

    // A DateTime typed at the prompt is local time unless it says otherwise.
    private static DateTimeOffset ToUtc(DateTime t) =>
        new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Local) : t).ToUniversalTime();
}
