using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// Completes -Database from the databases on the server of -DatabaseUrl (else DATABASE_URL), with
/// -DatabaseCredential when typed. Bounded: an unreachable server gives no suggestions within
/// <see cref="CompletionBound.Timeout"/>, never a frozen prompt.
/// </summary>
public sealed class DatabaseNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var url = SettingsResolver.FromProcess().ResolveDatabase(fakeBoundParameters["DatabaseUrl"] as string,
                ObsCmdletBase.CredentialFrom(fakeBoundParameters["DatabaseCredential"] as PSCredential));
            url = url with { ConnectTimeout = (int)Math.Ceiling(CompletionBound.Timeout.TotalSeconds) };
            var prefix = wordToComplete.Trim('\'', '"');
            return CompletionBound.Run(async ct =>
            {
                await using var admin = await DatabaseAdmin.ConnectMaintenanceAsync(url, ct).ConfigureAwait(false);
                return await admin.ConnectableDatabaseNamesAsync(ct).ConfigureAwait(false);
            })
                .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(name => new CompletionResult(name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-') ? $"'{name.Replace("'", "''")}'" : name,
                    name, CompletionResultType.ParameterValue, name))
                .ToList();
        }
        catch (Exception)
        {
            // completion must never throw at the user's prompt; no server, no suggestions
            return [];
        }
    }
}

/// <summary>How long tab completion may wait for a server or a bucket before it gives up quietly.</summary>
internal static class CompletionBound
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);

    /// <summary>Runs <paramref name="query"/> for at most <see cref="Timeout"/>; its result, or a timeout exception.</summary>
    public static T Run<T>(Func<CancellationToken, Task<T>> query)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var task = Task.Run(() => query(timeout.Token));
        // a connect that does not watch the token is abandoned, not waited for
        if (!task.Wait(Timeout + TimeSpan.FromMilliseconds(250))) throw new TimeoutException();
        return task.GetAwaiter().GetResult();
    }
}
