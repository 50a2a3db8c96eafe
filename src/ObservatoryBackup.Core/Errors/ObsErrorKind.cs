namespace ObservatoryBackup.Errors;

/// <summary>What kind of failure an engine exception reports; faces map it to their own categories.</summary>
public enum ObsErrorKind
{
    InvalidConfiguration,
    InvalidArgument,
    ToolNotFound,
    ToolVersionMismatch,
    ConnectionFailed,
    AuthenticationFailed,
    PermissionDenied,
    NotFound,
    AlreadyExists,
    Busy,
    InvalidData,
    OperationFailed,
}
