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
}
