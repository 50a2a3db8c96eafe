using System.Management.Automation;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.PowerShell;

internal static class ErrorCategories
{
    public static ErrorCategory For(ObsErrorKind kind) => kind switch
    {
        ObsErrorKind.InvalidConfiguration => ErrorCategory.InvalidArgument,
        ObsErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ObsErrorKind.ToolNotFound => ErrorCategory.ObjectNotFound,
        ObsErrorKind.ToolVersionMismatch => ErrorCategory.NotInstalled,
        ObsErrorKind.ConnectionFailed => ErrorCategory.ConnectionError,
        ObsErrorKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
        ObsErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ObsErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        ObsErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
        ObsErrorKind.InvalidData => ErrorCategory.InvalidData,
        _ => ErrorCategory.InvalidResult,
    };

    public static ErrorRecord Record(ObsBackupException ex) =>
        new(ex, ex.ErrorId, For(ex.Kind), ex.Target);
}
