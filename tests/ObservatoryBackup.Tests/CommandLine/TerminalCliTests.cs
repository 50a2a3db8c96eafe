using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>
/// obs-backup on a terminal and in a pipe: a terminal is util-linux's <c>script</c>, which runs the command on
/// a pseudo-terminal and prints what the terminal got (stdout and stderr as one transcript).
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class TerminalCliTests(Servers servers)
{
    private static Task<BufferedCommandResult> PipedAsync(IReadOnlyDictionary<string, string?> env, params string[] args) => ObsBackupCli.RunAsync(env, args);

    /// <summary>Runs obs-backup on a terminal; the result is the exit code and the terminal's transcript.</summary>
    private static async Task<(int ExitCode, string StandardOutput)> OnTerminalAsync(IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        var (program, prefix) = ObsBackupCli.Command;
        var line = string.Join(' ', new[] { program }.Concat(prefix).Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var run = await CliWrap.Cli.Wrap("script").WithArguments(["-qfec", "stty cols 200; " + line, "/dev/null"])
            .WithEnvironmentVariables(env)
            .WithStandardInputPipe(PipeSource.FromString(""))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        // .NET's console switches a terminal's keypad to application mode and back (terminfo's keypad_xmit and
        // keypad_local) whoever writes: not ours, not colour
        return (run.ExitCode, run.StandardOutput.Replace("\u001b[?1h\u001b=", "", StringComparison.Ordinal).Replace("\u001b[?1l\u001b>", "", StringComparison.Ordinal));
    }

    /// <summary>A new database of <paramref name="rows"/> rows, backed up to a new bucket; the environment of its backup job.</summary>
    private async Task<(string Database, string Bucket, Dictionary<string, string?> Env)> BackedUpAsync(string prefix, int rows)
    {
        var (db, bucket) = (Servers.UniqueName(prefix), Servers.UniqueName("tty-bkt"));
        await SampleDatabase.CreateAsync(servers.Postgres, db, rows);
        var env = ObsBackupCli.Environment(servers, db, bucket);
        Assert.Equal(0, (await PipedAsync(env, "backup")).ExitCode);
        return (db, bucket, env);
    }

    private static bool IsJsonLine(string line) => line.TrimStart().StartsWith("{\"timestamp\": ", StringComparison.Ordinal);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task A_terminal_gets_a_progress_line_and_a_short_result_a_pipe_gets_json_lines()
    {
        var (db, bucket) = (Servers.UniqueName("tty"), Servers.UniqueName("tty-bkt"));
        await SampleDatabase.CreateAsync(servers.Postgres, db, rows: 2000);
        // pg_dump's output held back a moment, so that the backup lasts past the first progress report (every 0.5 s)
        using var slow = new FakeTool("pg_dump", $"\"{PostgresServer.BinDir}/pg_dump\" \"$@\" | {{ sleep 1.5; cat; }}; exit ${{PIPESTATUS[0]}}");
        var env = ObsBackupCli.Environment(servers, db, bucket);
        env["OBS_PG_DUMP"] = slow.Path;

        var tty = await OnTerminalAsync(env, "backup");
        Assert.True(tty.ExitCode == 0, tty.StandardOutput);
        var transcript = tty.StandardOutput;
        // the progress line: bytes and rate (a backup's size is not known), redrawn in place with \r, then cleared
        Assert.Matches(@"\r[^\r\n]*\d+(\.\d)? (B|KiB|MiB) at \d+(\.\d)? (B|KiB|MiB)/s", transcript);
        Assert.DoesNotContain(Lines(transcript), IsJsonLine);
        Assert.Matches(@"Backed up database ""[^""]+"" to postgres/\S+\.sql\.gz: \d+(\.\d)? (B|KiB|MiB) \(\d+(\.\d)? (KiB|MiB) of SQL\) in \d", transcript);
        Assert.Contains("upload_complete", transcript); // the events, as readable lines
        Assert.DoesNotContain("size_bytes=", transcript); // ... without the documented aliases

        await Task.Delay(1100);
        env["OBS_PG_DUMP"] = $"{PostgresServer.BinDir}/pg_dump";
        var piped = await PipedAsync(env, "backup");
        Assert.True(piped.ExitCode == 0, piped.StandardError);
        Assert.All(Lines(piped.StandardOutput), l => Assert.True(IsJsonLine(l), l));
        Assert.DoesNotContain("\r", piped.StandardError + piped.StandardOutput);
        Assert.DoesNotContain("Backed up", piped.StandardOutput);
    }

    [Fact]
    public async Task The_log_format_is_chosen_by_option_then_OBS_LOG_FORMAT_then_the_terminal()
    {
        var (db, bucket, env) = await BackedUpAsync("tty-fmt", rows: 10);

        // text, even in a pipe: by option, or by OBS_LOG_FORMAT (once accepted and ignored)
        var byOption = await PipedAsync(env, "test", "--latest", "--verify-only", "--log-format", "text");
        env["OBS_LOG_FORMAT"] = "text";
        var byVariable = await PipedAsync(env, "test", "--latest", "--verify-only");
        foreach (var text in new[] { byOption, byVariable })
        {
            Assert.True(text.ExitCode == 0, text.StandardError);
            Assert.DoesNotContain(Lines(text.StandardOutput + "\n" + text.StandardError), IsJsonLine);
            Assert.StartsWith("Passed: postgres/", text.StandardOutput.Trim());
            Assert.Contains("test_finished status=success", text.StandardError);
            Assert.DoesNotContain("\u001b[", text.StandardError); // no colour and no escapes off a terminal
        }

        // json, even on a terminal: by option over OBS_LOG_FORMAT=text, and by OBS_LOG_FORMAT
        var jsonByOption = await OnTerminalAsync(env, "test", "--latest", "--verify-only", "--log-format", "json");
        env["OBS_LOG_FORMAT"] = "json";
        var jsonByVariable = await OnTerminalAsync(env, "test", "--latest", "--verify-only");
        foreach (var json in new[] { jsonByOption, jsonByVariable })
        {
            Assert.True(json.ExitCode == 0, json.StandardOutput);
            Assert.Contains("{\"timestamp\": ", json.StandardOutput);
            Assert.Contains("\"event\": \"test_finished\", \"status\": \"success\"", json.StandardOutput);
            Assert.DoesNotContain("Passed: ", json.StandardOutput);
        }

        env["OBS_LOG_FORMAT"] = "yaml";
        var bad = await PipedAsync(env, "status");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("OBS_LOG_FORMAT", bad.StandardError);
        var badOption = await PipedAsync(ObsBackupCli.Environment(servers, db, bucket), "status", "--log-format", "yaml");
        Assert.Equal(2, badOption.ExitCode);
    }

    [Fact]
    public async Task On_a_terminal_list_is_the_operators_table_errors_are_one_line_in_colour_unless_NO_COLOR()
    {
        var (db, _, env) = await BackedUpAsync("tty-list", rows: 10);

        var list = await OnTerminalAsync(env, "list");
        Assert.True(list.ExitCode == 0, list.StandardOutput);
        Assert.DoesNotContain("listing_backups", list.StandardOutput);
        var lines = Lines(list.StandardOutput);
        Assert.Matches(@"^Database\s+Age\s+Size\s+Encrypted\s+Signed\s+Pinned\s+Object name$", lines[0]);
        Assert.Matches($@"^{db}\s+\d+(\.\d+)? s\s+\d+(\.\d)? KiB\s+no\s+no\s+no\s+postgres/\S+$", lines[2]);
        Assert.All(lines, l => Assert.True(l.Length <= 120 + (db.Length - "observatory".Length), l));

        // stale: one readable line naming the problem, red on a terminal; NO_COLOR leaves the colour out
        await Task.Delay(1100);
        var stale = await OnTerminalAsync(env, "status", "--database", db, "--max-age", "1s");
        Assert.Equal(1, stale.ExitCode);
        Assert.DoesNotContain(Lines(stale.StandardOutput), IsJsonLine);
        var error = Assert.Single(Lines(stale.StandardOutput), l => l.Contains("error:", StringComparison.Ordinal));
        Assert.Contains("\u001b[31mobs-backup: error: \u001b[0m", error);
        Assert.Matches(@"is \d+(\.\d)? s old, more than the 1 s allowed", error);
        Assert.Contains("STALE", stale.StandardOutput);
        env["NO_COLOR"] = "1";
        var plain = await OnTerminalAsync(env, "status", "--database", db, "--max-age", "1s");
        Assert.Equal(1, plain.ExitCode);
        Assert.DoesNotContain("\u001b[", plain.StandardOutput);
        Assert.Contains("obs-backup: error: The newest backup", plain.StandardOutput);
    }

    [Fact]
    public async Task Json_documents_parse_for_list_status_and_test()
    {
        var (db, _, env) = await BackedUpAsync("tty-json", rows: 20);

        var list = await PipedAsync(env, "list", "--json");
        var backup = Assert.Single(JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray());
        Assert.False(backup.GetProperty("pinned").GetBoolean());
        var name = backup.GetProperty("object_name").GetString();

        var status = await PipedAsync(env, "status", "--database", db, "--json");
        Assert.True(status.ExitCode == 0, status.StandardError);
        var s = Assert.Single(JsonDocument.Parse(status.StandardOutput).RootElement.EnumerateArray());
        Assert.True(s.GetProperty("fresh").GetBoolean());
        Assert.Equal(1, s.GetProperty("count").GetInt32());
        Assert.Equal(name, s.GetProperty("newest_object_name").GetString());
        Assert.Equal(backup.GetProperty("size").GetInt64(), s.GetProperty("size_bytes").GetInt64());
        Assert.Equal(26 * 3600, s.GetProperty("max_age_seconds").GetDouble());
        Assert.Contains("\"event\": \"backup_status\"", status.StandardError); // the log lines beside it, on stderr

        var test = await PipedAsync(env, "test", "--latest", "--json");
        Assert.True(test.ExitCode == 0, test.StandardError);
        var t = JsonDocument.Parse(test.StandardOutput).RootElement;
        Assert.True(t.GetProperty("passed").GetBoolean());
        Assert.Equal(name, t.GetProperty("object_name").GetString());
        Assert.True(t.GetProperty("rows").GetInt64() > 0);
        Assert.Empty(t.GetProperty("mismatches").EnumerateArray());

        // on a terminal too: the document alone on stdout
        var onTerminal = await OnTerminalAsync(env, "status", "--database", db, "--json");
        Assert.Equal(0, onTerminal.ExitCode);
        Assert.True(Assert.Single(JsonDocument.Parse(onTerminal.StandardOutput.Trim()).RootElement.EnumerateArray()).GetProperty("fresh").GetBoolean());
    }

    [Fact]
    public async Task Every_command_shows_examples_in_its_help()
    {
        var root = await PipedAsync(new Dictionary<string, string?>(), "--help");
        Assert.Contains("Examples:\n  obs-backup backup", root.StandardOutput.ReplaceLineEndings("\n"));
        var commands = new ObservatoryBackup.Cli.Commands(TextWriter.Null, TextWriter.Null, TextReader.Null, ObservatoryBackup.Cli.Terminal.None,
            new ObservatoryBackup.Configuration.SettingsResolver(new Dictionary<string, string?>())).Build().Subcommands.Select(c => c.Name).ToList();
        Assert.Contains("status", commands);
        foreach (var command in commands)
        {
            var help = await PipedAsync(new Dictionary<string, string?>(), command, "--help");
            Assert.Equal(0, help.ExitCode);
            var at = help.StandardOutput.IndexOf("Examples:", StringComparison.Ordinal);
            Assert.True(at >= 0, $"obs-backup {command} --help shows no examples");
            var examples = help.StandardOutput[at..];
            Assert.Contains("obs-backup " + command, examples);
        }
    }
}
