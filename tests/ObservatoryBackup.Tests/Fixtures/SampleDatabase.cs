namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>A small database with the shapes a real one has: keys, sequences, a view, an index, NULLs, non-ASCII text, JSONB, bytea.</summary>
public static class SampleDatabase
{
    public static async Task CreateAsync(PostgresServer pg, string database, int rows = 2000)
    {
        await pg.CreateDatabaseAsync(database);
        await pg.ExecuteAsync(database, $""""
            CREATE SCHEMA research;
            CREATE TABLE research.queries (id serial PRIMARY KEY, term text NOT NULL, created timestamptz DEFAULT now());
            CREATE TABLE research.results (
                id bigserial PRIMARY KEY,
                query_id int REFERENCES research.queries(id),
                payload jsonb,
                body text,
                blob bytea);
            CREATE INDEX ON research.results (query_id);
            CREATE TABLE public.api_credentials (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), credentials jsonb);
            CREATE TABLE public."Mixed Case ""Table""" (k int);
            INSERT INTO research.queries (term) SELECT 'term ' || g || ' – ünïcödé ✓' FROM generate_series(1, 50) g;
            INSERT INTO research.results (query_id, payload, body, blob)
                SELECT 1 + g % 50, jsonb_build_object('n', g, 'tags', jsonb_build_array('a', 'b')),
                       CASE WHEN g % 7 = 0 THEN NULL ELSE repeat('row ' || g || E' with \t tab and '' quote ', 3) END,
                       decode(md5(g::text), 'hex')
                FROM generate_series(1, {rows}) g;
            INSERT INTO public.api_credentials (credentials) SELECT to_jsonb('token-' || g) FROM generate_series(1, 10) g;
            INSERT INTO public."Mixed Case ""Table""" VALUES (1), (2), (3);
            CREATE VIEW research.summary AS SELECT query_id, count(*) FROM research.results GROUP BY query_id;
            """");
    }

    /// <summary>A database of random, incompressible bytes: <paramref name="mebibytes"/> MiB, to make uploads span several parts.</summary>
    public static async Task CreateRandomBlobsAsync(PostgresServer pg, string database, int mebibytes)
    {
        await pg.CreateDatabaseAsync(database);
        // each row: 8192 md5 digests = 128 KiB
        await pg.ExecuteAsync(database, $"""
            CREATE TABLE blobs (id int PRIMARY KEY, data bytea);
            INSERT INTO blobs SELECT g, (SELECT string_agg(decode(md5(random()::text || g || s), 'hex'), '') FROM generate_series(1, 8192) s)
            FROM generate_series(1, {mebibytes * 8}) g;
            """);
    }
}
