namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>One PostgreSQL cluster and one S3 server for the whole test run, shared by the integration collection.</summary>
public sealed class Servers : IAsyncLifetime
{
    private static int _counter;

    public PostgresServer Postgres { get; private set; } = null!;
    public S3Server S3 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var pg = PostgresServer.StartAsync();
        var s3 = S3Server.StartAsync();
        try
        {
            await Task.WhenAll(pg, s3);
        }
        catch
        {
            // stop whichever did start, then report the failure
            if (pg.IsCompletedSuccessfully) await pg.Result.DisposeAsync();
            if (s3.IsCompletedSuccessfully) await s3.Result.DisposeAsync();
            throw;
        }
        Postgres = pg.Result;
        S3 = s3.Result;
    }

    public async Task DisposeAsync()
    {
        // null when InitializeAsync failed
        if (Postgres is not null) await Postgres.DisposeAsync();
        if (S3 is not null) await S3.DisposeAsync();
    }

    /// <summary>A name no other test uses, valid as bucket and database name.</summary>
    public static string UniqueName(string prefix) =>
        $"{prefix}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..6]}";
}

[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<Servers>
{
    public const string Name = "Integration";
}
