namespace ObservatoryBackup.Errors;

/// <summary>
/// Options given together that do not go together (<see cref="Rule"/>), found before anything runs or
/// is logged. The message is the engine's; a face words <see cref="Rule"/> with its own names.
/// </summary>
public sealed class OptionConflictException(OptionRule rule, string message)
    : ObsBackupException(ObsErrorKind.InvalidArgument, rule.ToString(), message)
{
    public OptionRule Rule { get; } = rule;
}
