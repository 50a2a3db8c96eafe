using Npgsql;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// A restore whose jobs no one asked for loads over fewer where the server has too few connection slots free,
/// instead of having a connection refused mid-load; a number asked for is kept. On a server of its own, of 12
/// connections (3 reserved for superusers), whose slots the test fills with idle sessions.
/// </summary>
public class ConnectionSlotsTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task A_default_restore_fits_its_jobs_to_the_free_connection_slots_and_an_asked_number_is_kept()
    {
        await using var small = await PostgresServer.StartAsync(maxConnections: 12);
        var (db, bucket) = (Servers.UniqueName("slots"), Servers.UniqueName("bkt"));
        await small.CreateDatabaseAsync(db);
        await small.ExecuteAsync(db, "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY); INSERT INTO a SELECT generate_series(1, 5000); INSERT INTO b SELECT generate_series(1, 5000)");
        var digest = await small.ContentDigestAsync(db);
        ObsSettings On(string database) => SettingsFor(database, bucket) with { Database = DatabaseUrl.Parse(small.Url(database)) };
        var backup = await BackupAsync(On(db));

        // no other session: 12 less 3 reserved (the count's own is not counted: it ends before the load)
        var server = DatabaseUrl.Parse(small.Url("postgres"));
        Assert.Equal(9, await ConnectionSlots.FreeAsync(server, "postgres", default));
        // a role that sees no other session's backend type counts every session with a role: the launcher of logical replication too
        await small.ExecuteAsync("postgres", "CREATE ROLE plain LOGIN PASSWORD 'p'");
        Assert.InRange(await ConnectionSlots.FreeAsync(DatabaseUrl.Parse(small.Url("postgres", "plain", "p")), "postgres", default), 8, 9);

        var held = new List<NpgsqlConnection>();
        try
        {
            // 2 slots left: the restore's own session (its lock's) and one connection for its load
            for (var i = 0; i < 7; i++)
            {
                var idle = small.Connect();
                await idle.OpenAsync();
                held.Add(idle);
            }
            Assert.Equal(2, await ConnectionSlots.FreeAsync(server, "postgres", default));

            // an asked number is kept: its data phase opens 2. Whether the server then turns the second away depends on
            // whether the first has ended by the time it connects (ParallelRestoreTests holds that refusal deterministically)
            var asked = new RecordingLog();
            try
            {
                await RestoreAsync(On($"{db}-asked") with { RestoreJobs = 2 }, backup.ObjectName, log: asked);
            }
            catch (ObsBackupException refused)
            {
                Assert.Contains("The load opens 2 connections at once", refused.Message, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("restore_jobs_fitted", asked.Names);
            Assert.Contains(asked.Events, e => e.Name == "restore_phase" && (string?)e["phase"] == "data" && Convert.ToInt32(e["connections"]) == 2);

            // one slot more for the default's load than it takes: the proof connects as its psql's session may still be ending
            await held[^1].DisposeAsync();
            held.RemoveAt(held.Count - 1);
            // the asked load's sessions end on the server after its psql processes do
            for (var wait = 0; await ConnectionSlots.FreeAsync(server, "postgres", default) < 3; wait++)
            {
                Assert.True(wait < 300, "the asked restore's sessions did not end in 30 s");
                await Task.Delay(100);
            }
            var log = new RecordingLog();
            await RestoreAsync(On($"{db}-default") with { RestoreJobs = 2, RestoreJobsByDefault = true }, backup.ObjectName, log: log);
            var fitted = log.Single("restore_jobs_fitted");
            Assert.Equal((1, 2), (Convert.ToInt32(fitted["jobs"]), Convert.ToInt32(fitted["default_jobs"])));
            Assert.Equal(digest, await small.ContentDigestAsync($"{db}-default"));
        }
        finally
        {
            foreach (var idle in held) await idle.DisposeAsync();
        }

        // with the slots free again the default is not cut, and nothing says it was
        var roomy = new RecordingLog();
        await RestoreAsync(On($"{db}-roomy") with { RestoreJobs = 2, RestoreJobsByDefault = true }, backup.ObjectName, log: roomy);
        Assert.DoesNotContain("restore_jobs_fitted", roomy.Names);
        Assert.Contains(roomy.Events, e => e.Name == "restore_phase" && (string?)e["phase"] == "data" && Convert.ToInt32(e["connections"]) == 2);
        Assert.Equal(digest, await small.ContentDigestAsync($"{db}-roomy"));
    }
}
