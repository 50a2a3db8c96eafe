namespace ObservatoryBackup.Errors;

/// <summary>Base of every failure the engine reports on purpose.</summary>
public class ObsBackupException : Exception
{
    public ObsBackupException(ObsErrorKind kind, string errorId, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        ErrorId = errorId;
        Target = target;
    }

    public ObsErrorKind Kind { get; }

    /// <summary>Stable identifier, used as the FullyQualifiedErrorId prefix in PowerShell.</summary>
    public string ErrorId { get; }

    /// <summary>What the error is about: a variable name, an object name, a database name.</summary>
    public object? Target { get; }

    /// <summary>An option that would have helped (as a rule a face words with its own names); null when none is known.</summary>
    public OptionRule? WayOut { get; init; }

    /// <summary>The message, with the way out in a face's words (<paramref name="words"/>) after it when there is one.</summary>
    public string WithWayOut(Func<OptionRule, string> words) => WayOut is { } rule ? $"{Message} {words(rule)}" : Message;
}
