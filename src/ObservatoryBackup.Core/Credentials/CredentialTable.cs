using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Credentials;

/// <summary>Where encrypted credentials live. Defaults: the application's api_credentials(id uuid, credentials jsonb).</summary>
public sealed record CredentialTable
{
    // constants, so that each face's defaults (a cmdlet's parameter, a CLI option) are these and no copy of them
    public const string DefaultTable = "api_credentials";
    public const string DefaultKeyColumn = "id";
    public const string DefaultColumn = "credentials";

    public string Table { get; init; } = DefaultTable;
    public string KeyColumn { get; init; } = DefaultKeyColumn;
    public string Column { get; init; } = DefaultColumn;

    /// <summary>Schema, or null for the connection's search_path.</summary>
    public string? Schema { get; init; }

    public string QualifiedName => Schema is null ? SqlIdentifier.Quote(Table) : $"{SqlIdentifier.Quote(Schema)}.{SqlIdentifier.Quote(Table)}";

    public override string ToString() => Schema is null ? $"{Table}.{Column}" : $"{Schema}.{Table}.{Column}";
}
