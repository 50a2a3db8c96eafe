namespace ObservatoryBackup.Cli;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int BadConfiguration = 2;
    public const int Declined = 3;

    /// <summary>The exit code of a run that failed with an engine error of <paramref name="kind"/>: a bad setting or argument is 2, as a command line that does not parse is.</summary>
    public static int For(Errors.ObsErrorKind kind) =>
        kind is Errors.ObsErrorKind.InvalidConfiguration or Errors.ObsErrorKind.InvalidArgument ? BadConfiguration : Failed;
}
