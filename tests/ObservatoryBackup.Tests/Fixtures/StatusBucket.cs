using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// A bucket on the test S3 server holding two databases' backups, <see cref="Fresh"/>'s an hour old
/// (<see cref="Real"/>) and <see cref="Stale"/>'s three days old, and beside them an object named in
/// 2099 for <see cref="Fresh"/> (<see cref="Future"/>): what a status over every database must see through.
/// </summary>
public sealed record StatusBucket(string Bucket, string Fresh, string Stale, string Real, string Future)
{
    public static async Task<StatusBucket> CreateAsync(S3Server s3, string prefix)
    {
        var (fresh, stale) = (Servers.UniqueName(prefix + "-fresh"), Servers.UniqueName(prefix + "-stale"));
        var now = DateTimeOffset.UtcNow;
        var seeded = new StatusBucket(Servers.UniqueName(prefix + "-bkt"), fresh, stale,
            BackupKey.For(fresh, now.AddHours(-1)), $"postgres/2099/12/31/{fresh}_20991231_000000.sql.gz");
        await s3.PutAsync(seeded.Bucket, seeded.Real, new byte[300]);
        await s3.PutAsync(seeded.Bucket, BackupKey.For(stale, now.AddDays(-3)), new byte[200]);
        await s3.PutAsync(seeded.Bucket, seeded.Future, new byte[100]);
        return seeded;
    }
}
