namespace ObservatoryBackup.Errors;

/// <summary>
/// A rule about which of a run's options go together. The engine decides when one is broken
/// (<see cref="OptionConflictException"/>); each face words it with its own parameter or option names.
/// </summary>
public enum OptionRule
{
    /// <summary>The roles' password hashes are kept only in the globals: asked for without the globals.</summary>
    RolePasswordsWithoutGlobals,

    /// <summary>Databases named, and every database asked for too.</summary>
    DatabasesAndAll,

    /// <summary>Databases left out, or several at once, with no databases of the server selected.</summary>
    SelectionWithoutDatabases,

    /// <summary>A backup chosen by a query (the newest of a database, a listing's) of another database than the target, with the target not named.</summary>
    BackupOfAnotherDatabase,
}
