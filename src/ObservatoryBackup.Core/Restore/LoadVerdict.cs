using System.Runtime.ExceptionServices;
using System.Text.RegularExpressions;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Restore;

/// <summary>How a load stage ended: psql's exit code and the tail of its stderr, or what stopped it.</summary>
internal readonly record struct PsqlOutcome(int ExitCode, string StandardError, Exception? Thrown = null);

/// <summary>
/// Decides, once, which error a load reports: what the server said (psql's exit code and stderr),
/// what the stream was (damaged: <c>BackupCorrupt</c>; crafted: <c>BackupUnsafe</c>; not ours to open:
/// <c>BackupKeyMismatch</c>), or both, in which case the stream explains what psql made of it.
/// </summary>
internal sealed partial class LoadVerdict(EventLog log, string objectName, string database, bool targetUntouched)
{
    [GeneratedRegex("role \"([^\"]+)\" does not exist")]
    private static partial Regex MissingRole();

    [GeneratedRegex("tablespace \"([^\"]+)\" does not exist", RegexOptions.IgnoreCase)]
    private static partial Regex MissingTablespace();

    /// <param name="streamFailure">What stopped the reading of the backup's SQL (a refused line, a damaged stream), if anything.</param>
    /// <param name="verifyAs">What the store lists for the backup, when the load is also its verification; null when it was verified before.</param>
    /// <returns>What the backup carried, when verified here.</returns>
    public async Task<DumpSummary?> DecideAsync(BackupReader source, Exception? streamFailure, PsqlOutcome psql, StoredBackup? verifyAs, CancellationToken ct)
    {
        // psql stopped by something of its own (a cancel, a psql that did not start): the stream has nothing to say
        if (psql.Thrown is { } thrown && streamFailure is null) ExceptionDispatchInfo.Throw(thrown);

        // what the backup is decides before what psql made of it: a damaged or crafted backup explains a failed psql
        DumpSummary? summary = null;
        if (verifyAs is { } stored)
        {
            summary = await source.VerdictAsync(streamFailure, stored.Size, ct).ConfigureAwait(false);
            summary.LogVerified(log, stored.ObjectName);
        }
        else if (streamFailure is not null)
        {
            throw source.Explain(streamFailure);
        }

        if (psql.ExitCode == 0) return summary;
        var stderr = psql.StandardError;
        log.Error("psql_failed", ("database", database), ("exit_code", psql.ExitCode), ("stderr", stderr.Trim()));
        throw new RestoreFailedException(database, psql.ExitCode, stderr, targetUntouched, MissingRole().Match(stderr) is { Success: true } m ? m.Groups[1].Value : null, objectName)
        {
            MissingTablespace = MissingTablespace().Match(stderr) is { Success: true } t ? t.Groups[1].Value : null,
        };
    }
}
