using System.Management.Automation;
using System.Net;
using System.Xml.Linq;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.PowerShell;

[Collection(IntegrationCollection.Name)]
public sealed class CmdletTests(Servers servers) : IDisposable
{
    private readonly ModuleSession _ps = new();
    private PostgresServer Pg => servers.Postgres;
    private S3Server S3 => servers.S3;

    public void Dispose() => _ps.Dispose();

    /// <summary>Connection parameters as a user passes them; the password only ever inside a PSCredential or the URL.</summary>
    private Dictionary<string, object?> Vars(string database, string bucket) => new()
    {
        ["url"] = Pg.Url(database),
        ["endpoint"] = S3.Endpoint,
        ["bucket"] = bucket,
        ["cred"] = new PSCredential(S3.AccessKey, new NetworkCredential("", S3.SecretKey).SecurePassword),
        ["pgbin"] = PostgresServer.BinDir,
    };

    private const string Storage = "-Endpoint $endpoint -Credential $cred -Bucket $bucket";

    [Fact]
    public void The_manifest_exports_exactly_the_cmdlets_that_exist()
    {
        var exported = _ps.Invoke("(Get-Module ObservatoryBackup).ExportedCmdlets.Keys").Select(o => o.ToString()).Order();
        var implemented = typeof(ObservatoryBackup.PowerShell.ObsCmdletBase).Assembly.GetTypes()
            .Select(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Cast<CmdletAttribute>().SingleOrDefault())
            .Where(a => a is not null)
            .Select(a => $"{a!.VerbName}-{a.NounName}")
            .Order();
        Assert.Equal(implemented, exported);
        Assert.Equal(["Get-ObsBackup", "Get-ObsBackupContents", "Get-ObsBackupStatus", "Invoke-ObsBackup", "New-ObsAgeKey", "New-ObsCredentialKey", "New-ObsSigningKey", "Protect-ObsBackup", "Restore-ObsBackup", "Test-ObsBackup", "Unprotect-ObsBackup", "Update-ObsCredentialKey"], exported);
    }

    [Fact]
    public async Task Backup_then_pipe_the_newest_listing_into_a_restore()
    {
        var source = Servers.UniqueName("ps-src");
        var target = Servers.UniqueName("ps-dst");
        var bucket = Servers.UniqueName("ps-bkt");
        await SampleDatabase.CreateAsync(Pg, source, rows: 500);
        var vars = Vars(source, bucket);
        vars["target"] = Pg.Url(target);

        var backup = (BackupResult)Assert.Single(_ps.Invoke($"Invoke-ObsBackup -DatabaseUrl $url {Storage} -PgDumpPath $pgbin", vars)).BaseObject;
        Assert.Single(_ps.Streams!.Progress, p => p.Activity == "pg_dump | gzip" && p.RecordType == ProgressRecordType.Completed);
        Assert.False(backup.DryRun);
        Assert.Equal([backup.ObjectName], await S3.ListAsync(bucket));

        var listed = _ps.Invoke($"Get-ObsBackup {Storage}", vars);
        Assert.Equal(backup.ObjectName, ((StoredBackup)Assert.Single(listed).BaseObject).ObjectName);

        // binds ObjectName and Bucket by property name; no -Bucket on the restore side
        var restored = _ps.Invoke($"(Get-ObsBackup {Storage})[0] | Restore-ObsBackup -DatabaseUrl $target -Endpoint $endpoint -Credential $cred -PsqlPath $pgbin -Confirm:$false", vars);
        var result = (RestoreResult)Assert.Single(restored).BaseObject;
        foreach (var activity in new[] { "download", "gunzip | psql" })
        {
            var done = Assert.Single(_ps.Streams!.Progress, p => p.Activity == activity && p.RecordType == ProgressRecordType.Completed);
            Assert.Matches(@"^[\d.]+ [KMG]?i?B of [\d.]+ [KMG]?i?B \(\d+%\) at [\d.]+ [KMG]?i?B/s$", done.StatusDescription);
        }
        Assert.Equal((backup.ObjectName, bucket, target), (result.ObjectName, result.Bucket, result.Database));
        Assert.Equal(await Pg.RowCountsAsync(source), await Pg.RowCountsAsync(target));
        Assert.Empty(_ps.Host.Prompts);

        await Pg.ExecuteAsync(target, "TRUNCATE research.results CASCADE");
        _ps.Invoke($"Get-ObsBackup {Storage} -Latest | Restore-ObsBackup -DatabaseUrl $target -Endpoint $endpoint -Credential $cred -PsqlPath $pgbin -Force", vars);
        Assert.Equal(await Pg.RowCountsAsync(source), await Pg.RowCountsAsync(target));
        Assert.Empty(_ps.Host.Prompts);
    }

    [Fact]
    public async Task WhatIf_on_backup_is_the_dry_run_and_writes_nothing()
    {
        var db = Servers.UniqueName("ps-src");
        var bucket = Servers.UniqueName("ps-bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var old = $"postgres/2020/01/01/{db}_20200101_000000.sql.gz";
        await S3.PutAsync(bucket, old, "x"u8.ToArray());

        var output = _ps.Invoke($"Invoke-ObsBackup -DatabaseUrl $url {Storage} -PgDumpPath $pgbin -WhatIf", Vars(db, bucket));

        var dry = (BackupResult)Assert.Single(output).BaseObject;
        Assert.True(dry.DryRun);
        Assert.Equal([old], dry.Pruned);
        Assert.Equal([old], await S3.ListAsync(bucket));
        Assert.Contains(_ps.Host.Lines, l => l.StartsWith("What if: ", StringComparison.Ordinal) && l.Contains(dry.ObjectName));
        Assert.Contains(_ps.Host.Lines, l => l.StartsWith("What if: ", StringComparison.Ordinal) && l.Contains(old));
    }

    [Fact]
    public async Task A_globals_bringing_a_new_superuser_restores_only_with_AllowPrivilegedRoles()
    {
        var stem = Servers.UniqueName("ps_priv").Replace('-', '_');
        var bucket = Servers.UniqueName("ps-bkt");
        var name = ObservatoryBackup.Naming.BackupKey.For(ObservatoryBackup.Naming.BackupKey.Globals, DateTimeOffset.UtcNow);
        await S3.PutAsync(bucket, name, Dumps.Gzip($"""
            SET standard_conforming_strings = on;
            CREATE ROLE {stem}_boss;
            ALTER ROLE {stem}_boss WITH NOLOGIN BYPASSRLS;

            --
            -- PostgreSQL database cluster dump complete
            --

            """));
        var vars = Vars("postgres", bucket);
        try
        {
            var refused = _ps.InvokeFailing($"Restore-ObsBackup '{name}' -DatabaseUrl $url {Storage} -Force", vars);
            Assert.StartsWith("BackupUnsafe", refused.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains($"BYPASSRLS to role \"{stem}_boss\"", refused.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE rolname = '{stem}_boss'"));

            var restored = (RestoreResult)_ps.Invoke($"Restore-ObsBackup '{name}' -DatabaseUrl $url {Storage} -Force -AllowPrivilegedRoles", vars)[0].BaseObject;
            Assert.Equal([$"{stem}_boss"], restored.RolesCreated);
            Assert.True(await Pg.ScalarAsync<bool>("postgres", $"SELECT rolbypassrls FROM pg_roles WHERE rolname = '{stem}_boss'"));
        }
        finally
        {
            await Pg.ExecuteAsync("postgres", $"DROP ROLE IF EXISTS {stem}_boss");
        }
    }

    [Fact]
    public async Task WhatIf_on_restore_shows_the_plan_and_changes_nothing()
    {
        var db = Servers.UniqueName("ps-live");
        var bucket = Servers.UniqueName("ps-bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var backup = (BackupResult)_ps.Invoke($"Invoke-ObsBackup -DatabaseUrl $url {Storage} -PgDumpPath $pgbin", Vars(db, bucket))[0].BaseObject;
        await Pg.ExecuteAsync(db, "CREATE TABLE after_backup (x int)");

        var output = _ps.Invoke($"Restore-ObsBackup '{backup.ObjectName}' -DatabaseUrl $url {Storage} -PsqlPath $pgbin -WhatIf -Force", Vars(db, bucket));

        Assert.Empty(output);
        Assert.Contains(_ps.Host.Lines, l => l.StartsWith("What if: ", StringComparison.Ordinal) && l.Contains(backup.ObjectName) && l.Contains(db));
        Assert.Contains("public.after_backup", (await Pg.RowCountsAsync(db)).Keys);
    }

    [Theory]
    [InlineData("No", false)]
    [InlineData("Yes", true)]
    public async Task Restore_asks_for_confirmation_and_honours_the_answer(string answer, bool restored)
    {
        var db = Servers.UniqueName("ps-live");
        var bucket = Servers.UniqueName("ps-bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var vars = Vars(db, bucket);
        var backup = (BackupResult)_ps.Invoke($"Invoke-ObsBackup -DatabaseUrl $url {Storage} -PgDumpPath $pgbin", vars)[0].BaseObject;
        await Pg.ExecuteAsync(db, "CREATE TABLE after_backup (x int)");
        _ps.Host.Answer = answer;

        var output = _ps.Invoke($"Restore-ObsBackup -ObjectName '{backup.ObjectName}' -DatabaseUrl $url {Storage} -PsqlPath $pgbin", vars);

        var prompt = Assert.Single(_ps.Host.Prompts);
        Assert.Contains(db, prompt);
        Assert.Equal(restored, output.Count == 1);
        Assert.Equal(!restored, (await Pg.RowCountsAsync(db)).ContainsKey("public.after_backup"));
        var events = _ps.Streams!.Information.Where(r => r.Tags.Contains("ObservatoryBackup")).Select(r => r.Tags[1]);
        Assert.Equal(!restored, events.Contains("restore_aborted"));
    }

    [Fact]
    public async Task Json_log_format_writes_the_specs_lines_through_the_host()
    {
        var db = Servers.UniqueName("ps-src");
        var bucket = Servers.UniqueName("ps-bkt");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);

        _ps.Invoke($"Invoke-ObsBackup -DatabaseUrl $url {Storage} -PgDumpPath $pgbin -LogFormat Json", Vars(db, bucket));

        var lines = _ps.Streams!.Information
            .Where(r => r.Tags.Contains("PSHOST"))
            .Select(r => ((HostInformationMessage)r.MessageData).Message)
            .ToList();
        Assert.True(lines.Count >= 8, string.Join("\n", lines));
        Assert.All(lines, l => Assert.Matches("""^\{"timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "level": "(INFO|WARNING|ERROR)", "event": "[a-z_]+""", l));
        Assert.Matches("""^\{"timestamp": "[^"]+", "level": "INFO", "event": "backup_finished", "status": "success", "object_name": "postgres/\d{4}/\d\d/\d\d/ps-[0-9a-z-]+_\d{8}_\d{6}\.sql\.gz"\}$""", lines[^1]);
        Assert.DoesNotContain(lines, l => l.Contains(PostgresServer.AdminPassword) || l.Contains(S3.SecretKey));
    }

    [Fact]
    public void Text_log_format_writes_information_records_and_verbose_lines()
    {
        var bucket = Servers.UniqueName("ps-bkt");
        _ps.Invoke($"Invoke-ObsBackup -DatabaseUrl $url {Storage} -PgDumpPath $pgbin -WhatIf -Verbose", Vars("postgres", bucket));

        var events = _ps.Streams!.Information.Where(r => r.Tags.Contains("ObservatoryBackup")).Select(r => r.Tags[1]).ToList();
        // the dry run checks the database and the store each, and says so
        Assert.Equal(["backup_start", "check_passed", "check_passed", "bucket_missing", "dry_run"], events);
        Assert.Contains(_ps.Streams.Verbose, v => v.Message.StartsWith("dry_run object_name=postgres/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_run_without_keys_warns_that_it_uses_minios_built_in_ones()
    {
        Assert.True(new[] { "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "OBS_S3_CREDENTIALS" }
            .All(v => Environment.GetEnvironmentVariable(v) is null), "the test process must set no S3 keys");
        // no -Credential: the built-in keys, which the test server may refuse (the bucket is missing anyway); the warning comes first
        _ps.Invoke("Get-ObsBackup -Endpoint $endpoint -Bucket $bucket -ErrorAction SilentlyContinue | Out-Null", Vars("postgres", Servers.UniqueName("ps-bkt")));
        Assert.Contains(_ps.Streams!.Warning, w => w.Message.StartsWith("storage_default_credentials", StringComparison.Ordinal) && w.Message.Contains("minioadmin", StringComparison.Ordinal));

        _ps.Invoke($"Get-ObsBackup {Storage} -ErrorAction SilentlyContinue | Out-Null", Vars("postgres", Servers.UniqueName("ps-bkt")));
        Assert.DoesNotContain(_ps.Streams!.Warning, w => w.Message.Contains("minioadmin", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_object_name_is_an_invalid_argument_before_any_request()
    {
        var error = _ps.InvokeFailing("Restore-ObsBackup '../etc/passwd' -DatabaseUrl $url -Endpoint 127.0.0.1:1 -Force", Vars("postgres", "b-unused"));
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.StartsWith("InvalidObjectName,", error.FullyQualifiedErrorId);
        Assert.Equal("../etc/passwd", error.TargetObject);
    }

    [Fact]
    public async Task Test_ObsBackup_takes_listings_from_the_pipeline_and_a_failed_test_is_an_error_record()
    {
        var (db, bucket) = (Servers.UniqueName("ps-test"), Servers.UniqueName("ps-bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 40);
        var vars = Vars(db, bucket);
        _ps.Invoke($"Invoke-ObsBackup -DatabaseUrl $url {Storage} -PgDumpPath $pgbin", vars);

        var result = (ObservatoryBackup.Testing.BackupTestResult)Assert.Single(
            _ps.Invoke($"Get-ObsBackup {Storage} -Latest | Test-ObsBackup -DatabaseUrl $url -Endpoint $endpoint -Credential $cred -PsqlPath $pgbin", vars)).BaseObject;
        Assert.True(result.Passed);
        Assert.Equal((await Pg.RowCountsAsync(db)).Values.Sum(), result.Rows);

        var sql = Dumps.Gunzip(await S3.GetAsync(bucket, result.ObjectName));
        var lossy = $"postgres/2026/03/01/{db}_20260301_000000.sql.gz";
        await S3.PutAsync(bucket, lossy, Dumps.Gzip(Dumps.WithoutManifest(sql).Replace("\n--\n-- PostgreSQL database dump complete", "\nTRUNCATE public.\"Mixed Case \"\"Table\"\"\";\n--\n-- PostgreSQL database dump complete")));
        var error = _ps.InvokeFailing($"Test-ObsBackup '{lossy}' -DatabaseUrl $url {Storage} -PsqlPath $pgbin", vars);
        Assert.StartsWith("BackupTestFailed,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidResult, error.CategoryInfo.Category);
        Assert.Contains("Mixed Case", error.ToString());
    }

    [Fact]
    public void A_bad_parameter_is_worded_with_the_parameter_name()
    {
        var error = _ps.InvokeFailing("Invoke-ObsBackup -DatabaseUrl 'mysql://x' -Endpoint 127.0.0.1:1");
        Assert.Equal("-DatabaseUrl is not a valid PostgreSQL URL: its scheme must be postgresql://, postgres:// or postgresql+driver://, not 'mysql'.", error.ToString());
    }

    [Fact]
    public void Role_passwords_without_the_globals_are_refused_in_the_cmdlets_words_before_anything_runs()
    {
        var error = _ps.InvokeFailing("Invoke-ObsBackup -Database a -IncludeRolePasswords -Endpoint 127.0.0.1:1");
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.StartsWith("RolePasswordsWithoutGlobals,", error.FullyQualifiedErrorId);
        Assert.Equal("-IncludeRolePasswords goes with -IncludeGlobals or -AllDatabases: role passwords are kept only in the globals.", error.ToString());
        Assert.Empty(_ps.Streams!.Information);
    }

    [Fact]
    public void A_malformed_url_parameter_is_named_and_the_password_not_echoed()
    {
        var error = _ps.InvokeFailing("Invoke-ObsBackup -DatabaseUrl 'postgresql://u:hunter2@h:99999/d' -Endpoint 127.0.0.1:1");
        Assert.Equal("-DatabaseUrl", error.TargetObject);
        Assert.DoesNotContain("hunter2", error.ToString());
    }

    [Fact]
    public async Task Wrong_credentials_are_an_authentication_error()
    {
        var bucket = Servers.UniqueName("ps-bkt");
        await S3.PutAsync(bucket, "postgres/x", "x"u8.ToArray());
        var vars = Vars("postgres", bucket);
        vars["cred"] = new PSCredential(S3.AccessKey, new NetworkCredential("", "definitely-wrong").SecurePassword);

        var error = _ps.InvokeFailing($"Get-ObsBackup {Storage}", vars);

        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.StartsWith("StorageAccessDenied,", error.FullyQualifiedErrorId);
        Assert.DoesNotContain("definitely-wrong", error.ToString());
    }

    [Fact]
    public async Task Name_wildcards_and_latest_filter_the_listing()
    {
        var bucket = Servers.UniqueName("ps-bkt");
        foreach (var n in new[] { "postgres/2026/02/15/observatory_20260215_020000.sql.gz", "postgres/2026/02/16/observatory_20260216_020000.sql.gz", "postgres/2026/01/01/observatory_20260101_020000.sql.gz" })
            await S3.PutAsync(bucket, n, new byte[10]);
        var vars = Vars("postgres", bucket);

        var feb = _ps.Invoke($"Get-ObsBackup 'postgres/2026/02/*' {Storage}", vars).Select(o => ((StoredBackup)o.BaseObject).ObjectName);
        Assert.Equal(["postgres/2026/02/16/observatory_20260216_020000.sql.gz", "postgres/2026/02/15/observatory_20260215_020000.sql.gz"], feb);
        var before = _ps.Invoke($"Get-ObsBackup {Storage} -Before ([datetimeoffset]'2026-02-01T00:00:00Z').UtcDateTime", vars);
        Assert.Equal("postgres/2026/01/01/observatory_20260101_020000.sql.gz", ((StoredBackup)Assert.Single(before).BaseObject).ObjectName);
    }

    [Fact]
    public void The_default_table_view_shows_the_specs_columns()
    {
        var view = XDocument.Load(Path.Combine(AppContext.BaseDirectory, "ObservatoryBackup.format.ps1xml"))
            .Descendants("View").Single(v => v.Element("Name")!.Value == "ObservatoryBackup.StoredBackup");
        Assert.Equal(["Database", "Age", "Size", "Encrypted", "Signed", "Pinned", "Object name"], view.Descendants("Label").Select(l => l.Value));
        var blocks = view.Descendants("ScriptBlock").Select(b => b.Value).ToList();
        var backup = new StoredBackup("postgres/2026/02/16/observatory_20260216_020000.sql.gz", "b", 1_245_312,
            new DateTimeOffset(2026, 2, 16, 2, 0, 4, TimeSpan.Zero));

        var cells = blocks.Select(b => _ps.Invoke($"$backup | ForEach-Object {{ {b} }}", new Dictionary<string, object?> { ["backup"] = backup })[0].ToString());

        // the operator's columns in human units (issue 29): database, age from the name's time, size
        var shown = cells.ToList();
        Assert.Equal("observatory", shown[0]);
        Assert.Matches(@"^\d+ d( \d+ h)?$", shown[1]);
        Assert.Equal("1.2 MiB", shown[2]);
        Assert.Contains("ObservatoryBackup.Store.StoredBackup", view.Element("ViewSelectedBy")!.Value);
    }

    [Fact]
    public async Task Tab_completes_object_names_from_the_bucket()
    {
        var bucket = Servers.UniqueName("ps-bkt");
        foreach (var n in new[] { "postgres/2026/02/15/observatory_20260215_020000.sql.gz", "postgres/2026/02/16/observatory_20260216_020000.sql.gz", "postgres/2026/01/01/observatory_20260101_020000.sql.gz" })
            await S3.PutAsync(bucket, n, new byte[10]);
        var line = "Restore-ObsBackup -Endpoint $endpoint -Credential $cred -Bucket $bucket -ObjectName postgres/2026/02/";

        var matches = _ps.Invoke($"(TabExpansion2 -inputScript '{line}' -cursorColumn {line.Length}).CompletionMatches | ForEach-Object CompletionText", Vars("postgres", bucket))
            .Select(o => o.ToString());

        Assert.Equal(["postgres/2026/02/16/observatory_20260216_020000.sql.gz", "postgres/2026/02/15/observatory_20260215_020000.sql.gz"], matches);
    }
}
