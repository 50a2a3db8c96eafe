using System.Diagnostics;
using ObservatoryBackup.Tests.Fixtures;
using Xunit.Abstractions;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// A restore gives the database its source had at every number of connections, and the one pg_restore
/// gives from pg_dump's custom format of the same source: the same schema (pg_dump --schema-only,
/// compared line for line, nothing normalized) and the same contents (rows of every table, materialized
/// view, sequence and large object, compared sorted), over <see cref="WideCorpus"/>. The safety net of the
/// parallel load's order; runs alone with <c>--filter FullyQualifiedName~ParallelRestoreCorpusTests</c>.
/// </summary>
public class ParallelRestoreCorpusTests(Servers servers, ITestOutputHelper output) : IntegrationTest(servers)
{
    [Fact]
    public async Task Every_jobs_and_pg_restore_give_the_sources_schema_and_contents_over_the_wide_corpus()
    {
        var clock = Stopwatch.StartNew();
        var (db, bucket) = (Servers.UniqueName("wide"), Servers.UniqueName("bkt"));
        await Pg.ExecuteAsync("postgres", WideCorpus.Roles);
        await Pg.CreateDatabaseAsync(db);
        await ToolAsync("psql", WideCorpus.Sql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db); // psql: Npgsql splits BEGIN ATOMIC bodies at their semicolons
        var backup = await BackupAsync(SettingsFor(db, bucket));
        var (schema, contents) = ((await Pg.SchemaAsync(db)).Split('\n'), await ContentsAsync(db));
        output.WriteLine($"source and backup: {clock.Elapsed.TotalSeconds:F1} s");

        var log = new RecordingLog();
        foreach (var jobs in new[] { 1, 2, 3, 5 })
        {
            var target = $"{db}-j{jobs}";
            await RestoreAsync(SettingsFor(target, bucket) with { RestoreJobs = jobs }, backup.ObjectName, log: jobs == 5 ? log : null);
            Assert.Equal(schema, (await Pg.SchemaAsync(target)).Split('\n'));
            Assert.Equal(contents, await ContentsAsync(target));
            output.WriteLine($"--jobs {jobs}: {clock.Elapsed.TotalSeconds:F1} s");
        }

        var reference = $"{db}-pg_restore";
        var archive = Path.Combine(Path.GetTempPath(), $"{db}.dump");
        try
        {
            await ToolAsync("pg_dump", "", "-Fc", "-f", archive, db);
            await Pg.CreateDatabaseAsync(reference);
            await ToolAsync("pg_restore", "", "-j", "2", "-d", reference, archive);
        }
        finally
        {
            File.Delete(archive);
        }
        Assert.Equal(schema, (await Pg.SchemaAsync(reference)).Split('\n'));
        Assert.Equal(contents, await ContentsAsync(reference));
        output.WriteLine($"pg_restore -j 2: {clock.Elapsed.TotalSeconds:F1} s");

        // it did run in waves: the function pg_dump writes among the constraints cut them in two
        var phases = log.Events.Where(e => e.Name == "restore_phase").Select(e => (string)e["phase"]!).ToList();
        Assert.Equal(2, phases.Count(p => p == "indexes"));
        Assert.Contains("index_attachments", phases);
        Assert.True(phases.IndexOf("index_attachments") < phases.IndexOf("foreign_keys"));
    }

    /// <summary>Every table's rows (<see cref="PostgresServer.ContentDigestAsync"/>), every populated materialized view's, the sequences, the large objects, invalid indexes.</summary>
    private async Task<string> ContentsAsync(string db)
    {
        var parts = new List<string> { await Pg.ContentDigestAsync(db) };
        var matviews = await Pg.ScalarAsync<string>(db, "SELECT string_agg(format('%I.%I:%s', schemaname, matviewname, ispopulated), ',' ORDER BY schemaname, matviewname) FROM pg_matviews");
        parts.Add(matviews);
        foreach (var view in matviews.Split(',').Where(v => v.EndsWith(":true", StringComparison.Ordinal)).Select(v => v[..^":true".Length]))
            parts.Add(view + ":" + await Pg.ScalarAsync<string>(db, $"SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {view} t"));
        parts.Add(await Pg.ScalarAsync<string>(db, "SELECT string_agg(format('%I.%I=%s', schemaname, sequencename, last_value), ',' ORDER BY schemaname, sequencename) FROM pg_sequences"));
        parts.Add(await Pg.ScalarAsync<string>(db, "SELECT count(*) || ':' || coalesce(md5(string_agg(encode(data, 'hex'), '' ORDER BY loid, pageno)), '') FROM pg_largeobject"));
        parts.Add("invalid indexes: " + await Pg.ScalarAsync<long>(db, "SELECT count(*) FROM pg_index WHERE NOT indisvalid OR NOT indisready"));
        return string.Join("\n", parts);
    }

    private Task<string> ToolAsync(string tool, string stdin, params string[] args) =>
        Shell.RunAsync($"{PostgresServer.BinDir}/{tool}", ["-h", "127.0.0.1", "-p", Pg.Port.ToString(), "-U", PostgresServer.AdminUser, .. args],
            env: new Dictionary<string, string?> { ["PGPASSWORD"] = PostgresServer.AdminPassword }, stdin: stdin);
}
