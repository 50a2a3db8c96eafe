using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Credentials;

/// <summary>Where encrypted credentials live. Defaults: the application's api_credentials(id uuid, credentials jsonb).</summary>
public sealed record CredentialTable
{
    public string Table { get; init; } = "api_credentials";
    public string KeyColumn { get; init; } = "id";
    public string Column { get; init; } = "credentials";

    /// <summary>Schema, or null for the connection's search_path.</summary>
    public string? Schema { get; init; }

    public string QualifiedName => Schema is null ? SqlIdentifier.Quote(Table) : $"{SqlIdentifier.Quote(Schema)}.{SqlIdentifier.Quote(Table)}";

    public override string ToString() => Schema is null ? $"{Table}.{Column}" : $"{Schema}.{Table}.{Column}";
}
