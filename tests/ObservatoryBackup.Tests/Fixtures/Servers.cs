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
        await Task.WhenAll(pg, s3);
        Postgres = pg.Result;
        S3 = s3.Result;
    }

    public async Task DisposeAsync()
    {
        await Postgres.DisposeAsync();
        await S3.DisposeAsync();
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
