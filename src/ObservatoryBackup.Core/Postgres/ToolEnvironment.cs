namespace ObservatoryBackup.Postgres;

/// <summary>
/// The environment pg_dump, pg_dumpall and psql start with: an allow-list, never our process's environment
/// whole, so they get the connection and nothing else of ours (no S3 keys, no database URL, no key or
/// setting of ours). What passes from the caller's environment: what a program needs to start and to
/// speak (PATH, HOME, LD_LIBRARY_PATH, the locale, TZ, TMPDIR; Windows' system variables), and the libpq
/// settings the caller gave for how to connect (TLS files and modes, GSSAPI and Kerberos, required
/// authentication, the password file, the client encoding). Not the libpq settings that say where or as
/// whom to connect, or what the session runs (PGHOST, PGHOSTADDR, PGUSER, PGSERVICE, PGOPTIONS...): the
/// connection is the database URL's alone (<see cref="LibpqEnvironment"/>).
/// </summary>
internal static class ToolEnvironment
{
    private static readonly HashSet<string> Passed = new(StringComparer.OrdinalIgnoreCase)
    {
        "PATH", "HOME", "LD_LIBRARY_PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR",
        "SYSTEMROOT", "WINDIR", "SYSTEMDRIVE", "TEMP", "TMP", "USERPROFILE", "APPDATA", "LOCALAPPDATA", "PATHEXT",
        "PGSSLMODE", "PGREQUIRESSL", "PGSSLNEGOTIATION", "PGSSLCOMPRESSION", "PGSSLCERT", "PGSSLKEY", "PGSSLCERTMODE",
        "PGSSLROOTCERT", "PGSSLCRL", "PGSSLCRLDIR", "PGSSLSNI", "PGSSLMINPROTOCOLVERSION", "PGSSLMAXPROTOCOLVERSION",
        "PGREQUIREPEER", "PGREQUIREAUTH", "PGCHANNELBINDING", "PGGSSENCMODE", "PGKRBSRVNAME", "PGGSSLIB", "PGGSSDELEGATION",
        "PGPASSFILE", "PGCLIENTENCODING", "KRB5CCNAME", "KRB5_CONFIG", "SSL_CERT_FILE", "SSL_CERT_DIR",
    };

    /// <summary>Whether a variable of the caller's environment reaches a PostgreSQL client program.</summary>
    public static bool IsPassed(string name) => Passed.Contains(name) || name.StartsWith("LC_", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Cuts <paramref name="environment"/> (what the program would inherit) to what <see cref="IsPassed"/>
    /// allows, then sets <paramref name="ours"/> over it (a null value removes the variable).
    /// </summary>
    public static void Restrict(IDictionary<string, string?> environment, IReadOnlyDictionary<string, string?> ours)
    {
        foreach (var name in environment.Keys.Where(n => !IsPassed(n)).ToList()) environment.Remove(name);
        foreach (var (name, value) in ours)
        {
            if (value is null) environment.Remove(name);
            else environment[name] = value;
        }
    }
}
