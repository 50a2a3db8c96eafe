namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// Tests that set variables of this process's environment, which every process another test starts meanwhile
/// inherits and every setting read from the environment sees: they run alone, after the parallel collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection : ICollectionFixture<LonePostgres>
{
    public const string Name = "Process environment";
}

/// <summary>A PostgreSQL cluster of its own for <see cref="ProcessEnvironmentCollection"/>, which cannot share the integration collection's.</summary>
public sealed class LonePostgres : IAsyncLifetime
{
    public PostgresServer Postgres { get; private set; } = null!;

    public async Task InitializeAsync() => Postgres = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        // null when InitializeAsync failed
        if (Postgres is not null) await Postgres.DisposeAsync();
    }
}
