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

    /// <summary>A target database given with a globals backup, which restores the server's roles and tablespaces into no database.</summary>
    TargetDatabaseWithGlobals,

    /// <summary>Part of a backup (tables, schemas) restored into a database that exists: its swap would replace all of it with the part.</summary>
    PartIntoExistingDatabase,

    /// <summary>The newest backup of a target database named in the URL's place was asked for, and there is none: another database's goes into it only with that database named.</summary>
    LatestOfTargetDatabase,
}
