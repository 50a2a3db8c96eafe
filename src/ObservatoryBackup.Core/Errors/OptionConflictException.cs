namespace ObservatoryBackup.Errors;

/// <summary>
/// Options given together that do not go together (<see cref="Rule"/>), found before anything runs or
/// is logged. The message is the engine's; a face words <see cref="Rule"/> with its own names.
/// </summary>
public sealed class OptionConflictException(OptionRule rule, string message)
    : ObsBackupException(ObsErrorKind.InvalidArgument, rule.ToString(), message)
{
    public OptionRule Rule { get; } = rule;

    /// <summary>The message names what broke the rule (databases, objects), and no option: a face puts its words after it.</summary>
    public bool Facts { get; init; }

    /// <summary>The conflict in a face's words (<paramref name="words"/> for the rule), after the facts when there are any.</summary>
    public string Worded(Func<OptionRule, string> words) => Facts ? $"{Message} {words(Rule)}" : words(Rule);
}
