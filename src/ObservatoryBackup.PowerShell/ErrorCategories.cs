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
        ObsErrorKind.Busy => ErrorCategory.ResourceBusy,
        ObsErrorKind.InvalidData => ErrorCategory.InvalidData,
        _ => ErrorCategory.InvalidResult,
    };

    /// <summary>The error record for an engine exception; a configuration error is worded with the parameter names.</summary>
    public static ErrorRecord Record(ObsBackupException ex)
    {
        if (ex is RestoreFailedException { MissingRole: { } role })
            return new ErrorRecord(ex, ex.ErrorId, For(ex.Kind), ex.Target)
            {
                ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = $"Create the role \"{role}\" on the server, or restore with -NoOwner." },
            };
        if (ex is RestoreFailedException { MissingTablespace: { } tablespace })
            return new ErrorRecord(ex, ex.ErrorId, For(ex.Kind), ex.Target)
            {
                ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = $"Create the tablespace \"{tablespace}\" on the server, or restore with -NoTablespaces." },
            };
        if (ex is OptionConflictException conflict)
            return new ErrorRecord(new ArgumentException(conflict.Worded(ParameterNames.Conflict), ex), ex.ErrorId, ErrorCategory.InvalidArgument, null);
        if (ex is not ConfigurationException config) return new(ex, ex.ErrorId, For(ex.Kind), ex.Target);
        return new ErrorRecord(ex, ex.ErrorId, For(ex.Kind), config.NameIn(ParameterNames.For))
        {
            ErrorDetails = new ErrorDetails(config.MessageFor(ParameterNames.For)),
        };
    }
}
