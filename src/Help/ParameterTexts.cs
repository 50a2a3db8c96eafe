namespace ObservatoryBackup.Help;

/// <summary>
/// What a setting that both faces take says, once: the CLI's option descriptions render these, and the
/// cmdlets' help cites them (<c>&lt;see cref="Help.ParameterTexts.NoOwner"/&gt;</c> in a parameter's doc
/// comment, which build/ObservatoryBackup.HelpGen renders). Placeholders name other parameters
/// (<c>HelpTemplate</c>); each text is one paragraph, and a face may add a sentence of its own after it.
/// </summary>
internal static class ParameterTexts
{
    // Backing up (Invoke-ObsBackup, obs-backup backup)

    public const string BackupDatabase = "Back up these databases of the server {DatabaseUrl} points at, each to its own object, with its own lock and retention; one failing does not stop the others.";

    public const string AllDatabases = "Back up every database of the server that can be connected to, templates left out.";

    public const string ExcludeDatabase = "With {AllDatabases} or {Database}: leave out the databases these names match (* and ? wildcards).";

    public const string Parallel = "With {AllDatabases} or {Database}: how many databases to back up at once. Default 1, one after another.";

    public const string CompressionLevel = "gzip level from 1 (fastest) to 9 (smallest); the default, 4, compresses 2.8 times as fast as 9 for about 5% more size. With {Compression} zstd, 1 to 19; the default, 1, is both faster and smaller than gzip 4 on dumps. Where ISA-L (libisal2) runs gzip, 1 to 4 map onto its four levels (1 is its 0, 2 its 1, 3 its 2, 4 its 3, its smallest), and 5 to 9, which ask for smaller output than ISA-L makes, run zlib-ng.";

    public const string Compression = "gzip (the default: postgres/…/DATABASE_YYYYMMDD_HHMMSS.sql.gz, which gunzip reads) or zstd (….sql.zst: faster and smaller, which zstd reads). Listing, retention, verification, restore and tests understand both. Default: OBS_COMPRESSION, then gzip.";

    public const string BackupMetricsPath = "Write node_exporter textfile metrics (obs_backup_last_success_timestamp_seconds, obs_backup_last_duration_seconds, obs_backup_last_size_bytes, obs_backup_last_status) to this .prom file, atomically. Default: OBS_METRICS_FILE; none when unset.";

    public const string Recipient = "Encrypt the backup with age to these recipients (public keys, age1…): the object is named ….sql.gz.age and only the holder of a matching identity file can read it. Default: OBS_AGE_RECIPIENTS (comma-separated), then the lines of OBS_AGE_RECIPIENTS_FILE; unencrypted when none.";

    public const string SigningKeyFile = "Sign the backup with this minisign secret key file (unencrypted, as {New-ObsSigningKey} or minisign -G -W writes it): a detached signature, the object's name followed by .minisig, beside it, which minisign -Vm verifies and restores with {TrustedKey} require. Keep the file on the backup host only. Default: OBS_SIGNING_KEY_FILE; unsigned when unset.";

    public const string LockDays = "Write the backup under S3 Object Lock for this many days: nobody can delete or overwrite it before then (GOVERNANCE mode, or COMPLIANCE with OBS_OBJECT_LOCK_MODE). The bucket must have been made with Object Lock; a missing bucket is created with it. Default: OBS_OBJECT_LOCK_DAYS; unlocked when unset.";

    public const string ExcludeTable = "Leave these tables out of the backup, whole: pg_dump's --exclude-table patterns (schema.table, * and ? wildcards), each passed as its own argument.";

    public const string ExcludeTableData = "Keep these tables' definitions but leave their rows out: pg_dump's --exclude-table-data patterns.";

    public const string BackupIncludeGlobals = "Also back up the server's roles, their memberships and settings, and its tablespaces (pg_dumpall --globals-only) to their own object, postgres/…/%globals_YYYYMMDD_HHMMSS.sql.gz, before the databases. {AllDatabases} does this always.";

    public const string IncludeRolePasswords = "With the globals: keep the roles' password hashes. They are hashes of real logins, so they are left out unless asked; roles restored without them have no password.";

    // Retention's keep rules (restic's --keep-*)

    public const string KeepLast = "Retention also keeps the N newest backups of each database, whatever their age. Default: BACKUP_KEEP_LAST; off.";

    public const string KeepDaily = "Retention also keeps the newest backup of each of the last N days that have one (UTC). Default: BACKUP_KEEP_DAILY; off.";

    public const string KeepWeekly = "Retention also keeps the newest backup of each of the last N ISO weeks that have one. Default: BACKUP_KEEP_WEEKLY; off.";

    public const string KeepMonthly = "Retention also keeps the newest backup of each of the last N months that have one. Default: BACKUP_KEEP_MONTHLY; off.";

    public const string KeepYearly = "Retention also keeps the newest backup of each of the last N years that have one. Default: BACKUP_KEEP_YEARLY; off.";

    // Restoring and testing (Restore-ObsBackup, Test-ObsBackup; obs-backup restore, test)

    public const string RestoreObjectName = "The backup to restore, for example postgres/2026/02/16/observatory_20260216_020000.sql.gz.";

    public const string TestObjectName = "The backup to test, for example postgres/2026/02/16/observatory_20260216_020000.sql.gz.";

    public const string Latest = "The newest backup of the database restored into (the one {DatabaseUrl} names, or {TargetDatabase}), or of {Database} when given: never simply the newest in the bucket. A test with {VerifyOnly} and no database URL at all takes the bucket's newest.";

    public const string LatestOfDatabase = "The newest backup of this database (as {Get-ObsBackup} {Database} selects them); not where to restore, which {DatabaseUrl} says. A restore puts another database's backup there only when the target is named too ({TargetDatabase}).";

    public const string InPlace = "Drop and recreate the database, then restore into it, instead of restoring into a staging database and swapping it in. Needs no room for a second copy, but a failed restore leaves the database partial.";

    public const string NoOwner = "Leave ownership and privileges out: pg_dump's OWNER TO, GRANT and REVOKE statements are dropped as the dump streams into psql (never lines of COPY data), so every object is owned by the connecting user. For restoring onto a server that lacks the backup's roles; without it, a missing role fails the restore, naming the role.";

    public const string NoTablespaces = "Leave pg_dump's tablespace choices out: every object in the database's default tablespace (a server that lacks the backup's tablespaces).";

    public const string IdentityFile = "The age identity file (as age-keygen or {New-ObsAgeKey} writes it) that opens encrypted backups (….age). Default: OBS_AGE_IDENTITY_FILE.";

    public const string TrustedKey = "Restore only backups signed by these minisign public keys (the base64 line of a .pub file, as minisign -P takes it): an unsigned backup, one signed by another key, or one altered in any byte is refused before any of it is loaded, naming the key ids. Default: OBS_TRUSTED_KEYS, then OBS_TRUSTED_KEYS_FILE; without any, signatures are not checked and the log says so.";

    public const string Jobs = "Connections to load the backup over: rows are dealt across them and indexes built in parallel; 1 is one psql in dump order. Default: OBS_RESTORE_JOBS, then the number of cores less one (past two cores one is left for decompressing and checking; 2 on two cores, 1 on one), at most 8, and no more than the server's free connection slots hold when the load begins, one at least (an asked number is kept). Each is a connection the server must have a slot for.";

    public const string RestoreIncludeGlobals = "First restore the newest globals backup taken at or before this one (the roles, memberships and tablespaces the server lacks), so that owners and grants restore too; then give the database the owner, settings and privileges its backup recorded.";

    public const string UpdateExistingRoles = "A globals restore also applies the backup's attributes, settings and memberships to roles that exist already; without it they are left as they are.";

    public const string AllowPrivilegedRoles = "A globals restore may give roles privileged rights: SUPERUSER, CREATEROLE, REPLICATION, BYPASSRLS, membership in a built-in pg_ role or in a role holding such rights, a privilege on a parameter. Without it a globals backup that would is refused before anything changes. Only for a backup you trust.";

    public const string RestoreTable = "Restore only these tables (views, sequences), each with what is its own: the sequences its columns take values from, its indexes, constraints, triggers, rules, policies, comments and grants, and its schema. A foreign key comes only when the table it references is restored too. Names as pg_dump's -t takes them: schema.table, or table in every schema; * and ? wildcards; double quotes keep a name as it is. Each must match something in the backup. A partitioned table comes without its partitions (which hold its rows) unless they are named too, as with pg_dump's -t. What else a table needs (a function, a type of another schema) is not restored with it, and the restore then fails; the backup's extensions (citext, hstore, …) come with every part. Part of a backup goes only into a database that does not exist yet (name one with {TargetDatabase}), which it creates, proven like a whole restore against the rows of its own tables.";

    public const string RestoreSchema = "Restore only these schemas, each with everything in it; a foreign key to a table outside them is left out. Names as pg_dump's -n takes them (* and ? wildcards). With {Table}, both are restored. Only into a database that does not exist yet.";

    public const string VerifyOnly = "Only check the backup as it downloads: its size, the gzip or zstd stream and its checksum, pg_dump's closing line, and the rows of each table. Nothing is restored and no temporary file is written.";

    public const string Keep = "Keep the scratch database afterwards, to look at it.";

    public const string TestMetricsPath = "Write node_exporter textfile metrics (obs_backup_last_test_success_timestamp_seconds, obs_backup_last_test_status) to this .prom file, atomically. Default: OBS_METRICS_FILE.";

    // Listing (Get-ObsBackup, Get-ObsBackupStatus; obs-backup list, status)

    public const string ListDatabase = "Only backups of this database, as their object names record it (postgres/YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS.sql.gz).";

    public const string ListLatest = "Only the newest backup (of {Database}, when given).";

    public const string StatusDatabase = "Only backups of this database, as their object names record it. Default: every database with a backup in the bucket, each on its own.";

    public const string StatusAllDatabases = "One status per database with a backup in the bucket, the server's globals as one of them; an error when any has no fresh backup. What the status does without {Database}, said explicitly.";

    public const string MaxAge = "How old the newest backup may be before the status is an error: 26h, 90m, 2d or 1.02:00:00. Default: 26 hours (a daily job plus slack).";

    public const string StatusMetricsPath = "Also write node_exporter textfile metrics (obs_backup_stored_backups, obs_backup_stored_bytes, obs_backup_stored_newest_timestamp_seconds, obs_backup_stored_oldest_timestamp_seconds; a series per database) to this .prom file. Default: OBS_METRICS_FILE.";

    public const string StatusExcludeDatabase = "Without {Database}: leave out of the status the databases these names match (* and ? wildcards, whole names, as a backup's exclusions take them; %globals for the server's globals). They get no status and no metrics series, and their status series leave the metrics file. For a database dropped on purpose, whose last backup retention keeps.";

    // Contents (Get-ObsBackupContents, obs-backup contents)

    public const string ContentsObjectName = "The backup whose contents to list, for example postgres/2026/02/16/observatory_20260216_020000.sql.gz.";

    public const string ContentsVerify = "Read the backup as a restore does and count every table's rows in its SQL, proving the manifest against them and against the SQL's SHA-256: a backup whose manifest lies fails. Without it the rows are the manifest's, unproven (the whole object is read either way: the manifest travels at its end, and a compressed stream has no index).";

    // Pins (Protect-ObsBackup, Unprotect-ObsBackup; obs-backup pin, unpin)

    public const string PinObjectName = "The backup, for example postgres/2026/02/16/observatory_20260216_020000.sql.gz.";

    // Keys (New-ObsAgeKey, New-ObsSigningKey; obs-backup new-age-key, new-signing-key)

    public const string AgeKeyPath = "Where to write the identity file (the private key), readable by its owner only.";

    public const string AgeKeyForce = "Replace an existing file at {Path} (the key in it is then lost). Without it, an existing file is an error and is left as it is.";

    public const string SigningKeyPath = "Where to write the secret key file, readable by its owner only.";

    public const string PublicKeyPath = "Where to write the public key file. Default: {Path} with .key replaced by .pub (or .pub added).";

    public const string SigningKeyForce = "Replace existing files at {Path} and {PublicKeyPath} (a key in them is then lost). Without it, an existing file is an error and neither file is written.";

    // The credential-key rotation (Update-ObsCredentialKey, obs-backup rotate-credential-key)

    public const string CredentialTable = "The table holding the credentials.";

    public const string CredentialSchema = "The table's schema. Default: the connection's search_path.";

    public const string CredentialKeyColumn = "The table's key column, used to name rows in reports and errors.";

    public const string CredentialColumn = "The encrypted column: jsonb or json holding the token as a JSON string, or text holding the token.";

    public const string TargetDatabase = "Restore into this database of the same server instead of the one {DatabaseUrl} names, which is left untouched; it is created when missing and replaced when present. Naming the target lets another database's backup, as {Latest} {Database} chooses it, go into it.";
}
