using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Credentials;

/// <summary>
/// Re-encrypts every stored credential from the old Fernet key to the new one in a single
/// transaction: the table is locked against writers, every value is decrypted before anything is
/// written, and one value that decrypts with neither key aborts the whole migration unchanged.
/// </summary>
public sealed class CredentialKeyRotation(DatabaseUrl database, CredentialTable table, FernetKey oldKey, FernetKey newKey,
    IBackupLog sink, TimeProvider? clock = null)
{
    private const int BatchSize = 500;
    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);

    private enum ColumnKind { Jsonb, Json, Text }

    public async Task<KeyRotationResult> RunAsync(bool dryRun, CancellationToken ct)
    {
        if (oldKey.SameAs(newKey))
            throw new ConfigurationException(Setting.NewCredentialKey, null, "is the same as the old one; nothing to rotate.");
        var stopwatch = Stopwatch.StartNew();
        _log.Info("key_rotation_start", ("table", table.ToString()), ("database", database.Database), ("dry_run", dryRun));

        try
        {
            await using var connection = await DatabaseAdmin.OpenAsync(database, database.Database, ct).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var kind = await ColumnKindAsync(connection, ct).ConfigureAwait(false);

            // EXCLUSIVE blocks every writer (INSERT, UPDATE, DELETE) until commit, and lets readers read.
            // A dry run writes nothing, so it holds up nobody: it only reads.
            if (!dryRun) await ExecuteAsync(connection, $"LOCK TABLE {table.QualifiedName} IN EXCLUSIVE MODE", ct).ConfigureAwait(false);

            var updates = new List<(object Key, string Token)>();
            int already = 0, unencrypted = 0, empty = 0, total = 0;
            await using (var select = new NpgsqlCommand(
                $"SELECT {Q(table.KeyColumn)}, {Q(table.KeyColumn)}::text, {Q(table.Column)}::text FROM {table.QualifiedName}", connection))
            await using (var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    total++;
                    var keyText = reader.IsDBNull(1) ? "NULL" : reader.GetString(1);
                    if (reader.IsDBNull(2)) { empty++; continue; }
                    var token = TokenOf(reader.GetString(2), kind, keyText);
                    if (token is null)
                    {
                        unencrypted++;
                        _log.Warning("unencrypted_entry", ("table", table.ToString()), ("key", keyText));
                        continue;
                    }
                    if (FernetToken.TryDecrypt(oldKey, token) is { } plaintext)
                    {
                        // the row is updated by its key: a row without one cannot be
                        if (reader.IsDBNull(0))
                            throw new CredentialRotationException(ObsErrorKind.InvalidData, ErrorIds.CredentialKeyNull,
                                $"A row of {table} has a NULL {table.KeyColumn} and a value encrypted with the old key; it cannot be updated by its key. Give it a key, or name a unique key column. Nothing was changed.", table.ToString());
                        updates.Add((reader.GetValue(0), FernetToken.Encrypt(newKey, plaintext)));
                    }
                    else if (FernetToken.TryDecrypt(newKey, token) is not null)
                        already++;
                    else
                        throw new CredentialRotationException(ObsErrorKind.InvalidData, ErrorIds.CredentialDoesNotDecrypt,
                            $"The value in {table} where {table.KeyColumn} = '{keyText}' decrypts with neither the old nor the new key. Nothing was changed.", keyText);
                }
            }

            if (!dryRun)
            {
                await UpdateAsync(connection, kind, updates, ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }

            var result = new KeyRotationResult
            {
                Table = table.ToString(),
                DryRun = dryRun,
                ReEncrypted = updates.Count,
                AlreadyOnNewKey = already,
                Unencrypted = unencrypted,
                Empty = empty,
                Total = total,
                Duration = stopwatch.Elapsed,
            };
            _log.Info("key_rotation_complete", ("table", table.ToString()), ("dry_run", dryRun), ("re_encrypted", result.ReEncrypted),
                ("already_on_new_key", already), ("unencrypted", unencrypted), ("total", total));
            return result;
        }
        catch (Exception ex) when (ex is ObsBackupException or NpgsqlException)
        {
            var error = ex as ObsBackupException ?? new DatabaseException(ObsErrorKind.OperationFailed, ErrorIds.KeyRotationFailed,
                $"Rotating the credential key in {table} failed: {(ex as PostgresException)?.MessageText ?? ex.Message}. Nothing was changed.", table.ToString(), ex);
            _log.Error("key_rotation_failed", ("table", table.ToString()), ("error", error.Message));
            throw error;
        }
    }

    /// <summary>The token in a stored value, or null for an unencrypted (JSON object) entry.</summary>
    private string? TokenOf(string value, ColumnKind kind, string keyText)
    {
        if (kind == ColumnKind.Text) return value;
        using var json = JsonDocument.Parse(value);
        return json.RootElement.ValueKind switch
        {
            JsonValueKind.String => json.RootElement.GetString(),
            JsonValueKind.Object => null,
            _ => throw new CredentialRotationException(ObsErrorKind.InvalidData, ErrorIds.CredentialNotAToken,
                $"The value in {table} where {table.KeyColumn} = '{keyText}' is neither a token string nor an object. Nothing was changed.", keyText),
        };
    }

    private async Task UpdateAsync(NpgsqlConnection connection, ColumnKind kind, List<(object Key, string Token)> updates, CancellationToken ct)
    {
        var value = kind switch { ColumnKind.Jsonb => "to_jsonb($1::text)", ColumnKind.Json => "to_json($1::text)", _ => "$1" };
        var sql = $"UPDATE {table.QualifiedName} SET {Q(table.Column)} = {value} WHERE {Q(table.KeyColumn)} = $2";
        foreach (var chunk in updates.Chunk(BatchSize))
        {
            await using var batch = new NpgsqlBatch(connection);
            foreach (var (key, token) in chunk)
                batch.BatchCommands.Add(new NpgsqlBatchCommand(sql) { Parameters = { new() { Value = token }, new() { Value = key } } });
            var changed = await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (changed != chunk.Length)
                throw new CredentialRotationException(ObsErrorKind.OperationFailed, ErrorIds.KeyRotationMismatch,
                    $"Updating {table} changed {changed} rows where {chunk.Length} were expected ({table.KeyColumn} is not unique?). Nothing was changed.", table.ToString());
        }
    }

    private async Task<ColumnKind> ColumnKindAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a " +
            "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = ANY($2)", connection)
        {
            Parameters = { new() { Value = table.QualifiedName }, new() { Value = new[] { table.KeyColumn, table.Column } } },
        };
        var types = new Dictionary<string, string>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) types[reader.GetString(0)] = reader.GetString(1);

        if (!types.ContainsKey(table.KeyColumn))
            throw new CredentialRotationException(ObsErrorKind.NotFound, ErrorIds.CredentialTableNotFound,
                $"No table {table.QualifiedName} with a column {Q(table.KeyColumn)} in database \"{database.Database}\".", table.ToString());
        if (!types.TryGetValue(table.Column, out var type))
            throw new CredentialRotationException(ObsErrorKind.NotFound, ErrorIds.CredentialColumnNotFound,
                $"Table {table.QualifiedName} has no column {Q(table.Column)}.", table.ToString());
        return type switch
        {
            "jsonb" => ColumnKind.Jsonb,
            "json" => ColumnKind.Json,
            "text" or "character varying" or "character" => ColumnKind.Text,
            _ when type.StartsWith("character varying", StringComparison.Ordinal) || type.StartsWith("character(", StringComparison.Ordinal) => ColumnKind.Text,
            _ => throw new CredentialRotationException(ObsErrorKind.InvalidArgument, ErrorIds.CredentialColumnType,
                $"Column {Q(table.Column)} of {table.QualifiedName} is {type}; encrypted credentials are kept in jsonb, json or text.", table.ToString()),
        };
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static string Q(string identifier) => SqlIdentifier.Quote(identifier);
}
