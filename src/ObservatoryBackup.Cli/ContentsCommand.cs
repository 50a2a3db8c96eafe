using System.CommandLine;
using System.Globalization;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Help;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup contents OBJECT [--verify] [--json] [--identity-file FILE] [--trusted-key KEY]…</c>: a backup's tables and their rows, as pg_restore -l lists a dump.</summary>
internal static class ContentsCommand
{
    public static Command Create(Commands app)
    {
        var objectName = new Argument<string>("object") { Description = OptionNames.Render(ParameterTexts.ContentsObjectName) };
        var verify = new Option<bool>("--verify") { Description = OptionNames.Render(ParameterTexts.ContentsVerify) };
        var json = new Option<bool>("--json") { Description = "A JSON object (object_name, bucket, verified, manifest, sql_size, rows, tables: [{table, rows}]) instead of the table." };
        var identityFile = CommonOptions.IdentityFile();
        var trustedKey = CommonOptions.TrustedKey();
        var contents = new Command("contents", "List a backup's tables and the rows each carries, from the manifest at the end of its SQL (the whole object is read to reach it); with --verify, counted in the SQL and the manifest proven.")
        {
            objectName, verify, json, identityFile, trustedKey,
        };
        contents.SetAction((r, ct) => app.RunAsync(resolver => resolver.ResolveTest(new SettingOverrides
        {
            IdentityFile = r.GetValue(identityFile),
            TrustedKeys = r.GetValue(trustedKey) is { Length: > 0 } keys ? keys : null,
        }, verifyOnly: true), async (options, log) =>
        {
            var result = await new ContentsEngine(options, log).RunAsync(r.GetValue(objectName)!, r.GetValue(verify), ct);
            if (r.GetValue(json)) WriteJson(app.Out, result);
            else WriteTable(app.Out, result);
            return ExitCodes.Success;
        }, logTo: app.Error));
        return contents;
    }

    internal static void WriteTable(TextWriter output, BackupContents contents)
    {
        // a name as the manifest (untrusted until verified) gives it: no newline or escape sequence in it forges a line of the listing
        var names = contents.Tables.Select(t => PrintableText.Of(t.Table)).ToList();
        var width = Math.Max("TABLE".Length, names.Select(n => n.Length).DefaultIfEmpty(0).Max());
        output.WriteLine($"{"TABLE".PadRight(width)}  ROWS");
        for (var i = 0; i < names.Count; i++) output.WriteLine($"{names[i].PadRight(width)}  {contents.Tables[i].Rows.ToString(CultureInfo.InvariantCulture)}");
        output.WriteLine($"{contents.Tables.Count} tables, {contents.Rows.ToString(CultureInfo.InvariantCulture)} rows ({(contents.Verified ? "counted in the SQL, manifest proven" : "from the manifest, not verified")})");
    }

    private static void WriteJson(TextWriter output, BackupContents contents) => JsonOutput.Write(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("object_name", contents.ObjectName);
        json.WriteString("bucket", contents.Bucket);
        json.WriteBoolean("verified", contents.Verified);
        json.WriteBoolean("manifest", contents.HasManifest);
        if (contents.SqlSize is { } size) json.WriteNumber("sql_size", size);
        else json.WriteNull("sql_size");
        json.WriteNumber("rows", contents.Rows);
        json.WriteStartArray("tables");
        foreach (var t in contents.Tables)
        {
            json.WriteStartObject();
            json.WriteString("table", t.Table);
            json.WriteNumber("rows", t.Rows);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });
}
