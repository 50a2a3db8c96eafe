namespace ObservatoryBackup.Configuration;

/// <summary>
/// A user and password given apart from the database URL (PowerShell's -DatabaseCredential), so that
/// no password has to be written into a URL in a script. It replaces the URL's own. ToString never
/// shows the password.
/// </summary>
public sealed record DatabaseCredential(string User, string Password)
{
    public override string ToString() => $"{User}:***";
}
