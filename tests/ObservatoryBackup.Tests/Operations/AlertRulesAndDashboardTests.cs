using System.Text.Json;
using ObservatoryBackup.Metrics;
using ObservatoryBackup.Tests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace ObservatoryBackup.Tests.Operations;

/// <summary>
/// deploy/prometheus's alert rules and deploy/grafana's dashboard: Prometheus' checker takes the rules, the
/// rules' unit tests pass, and every metric either reads is one the code writes (<see cref="Metric.All"/>).
/// </summary>
public sealed class AlertRulesAndDashboardTests
{
    private static readonly string Rules = Path.Combine(Shell.RepoRoot, "deploy", "prometheus", "obs-backup-rules.yaml");
    private static readonly string RulesTests = Path.Combine(Shell.RepoRoot, "tests", "prometheus", "obs-backup-rules.test.yaml");
    private static readonly string Dashboard = Path.Combine(Shell.RepoRoot, "deploy", "grafana", "obs-backup-dashboard.json");

    private static readonly HashSet<string> Written = [.. Metric.All.Select(m => m.Name)];

    private static List<(string Alert, string Expr)> RuleExpressions()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Rules)) yaml.Load(reader);
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents.Single().RootNode)["groups"];
        return [.. groups.Cast<YamlMappingNode>().SelectMany(g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>())
            .Select(r => (((YamlScalarNode)r["alert"]).Value!, ((YamlScalarNode)r["expr"]).Value!))];
    }

    /// <summary>Every PromQL query of the dashboard: each panel's targets (rows' nested panels too), and the variables' label_values queries.</summary>
    private static (List<(string Panel, string Expr)> Targets, List<string> VariableQueries) DashboardQueries()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Dashboard));
        var targets = new List<(string, string)>();
        void Panels(JsonElement panels)
        {
            foreach (var panel in panels.EnumerateArray())
            {
                if (panel.TryGetProperty("targets", out var ts))
                    targets.AddRange(ts.EnumerateArray().Select(t => (panel.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)));
                if (panel.TryGetProperty("panels", out var nested)) Panels(nested);
            }
        }
        Panels(json.RootElement.GetProperty("panels"));
        var variables = json.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(v => v.GetProperty("type").GetString() == "query")
            .Select(v => v.GetProperty("query") is { ValueKind: JsonValueKind.Object } q ? q.GetProperty("query").GetString()! : v.GetProperty("query").GetString()!)
            .ToList();
        return (targets, variables);
    }

    [Fact]
    public async Task Promtool_takes_the_rules_and_their_unit_tests_pass()
    {
        var check = await Promtool.RunAsync(["check", "rules", Rules]);
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains($"SUCCESS: {RuleExpressions().Count} rules found", check.Output);

        var test = await Promtool.RunAsync(["test", "rules", RulesTests]);
        Assert.True(test.ExitCode == 0, test.Output);
        Assert.Contains("SUCCESS", test.Output);
        // each alert is exercised by the unit tests
        var tested = File.ReadAllText(RulesTests);
        Assert.All(RuleExpressions(), r => Assert.Contains($"alertname: {r.Alert}\n", tested, StringComparison.Ordinal));
    }

    [Fact]
    public void The_rules_read_only_metrics_the_code_writes()
    {
        var rules = RuleExpressions();
        Assert.Equal(["ObsBackupBucketStale", "ObsBackupFailed", "ObsBackupMetricsMissing", "ObsBackupRestoreTestFailed", "ObsBackupRestoreTestStale", "ObsBackupStale"], rules.Select(r => r.Alert).Order());
        Assert.All(rules, r =>
        {
            var names = PromQL.MetricNames(r.Expr).ToList();
            Assert.NotEmpty(names);
            Assert.All(names, name => Assert.True(Written.Contains(name), $"{r.Alert} reads {name}, which obs-backup does not write"));
        });
    }

    [Fact]
    public void The_dashboard_reads_only_metrics_the_code_writes_and_shows_each()
    {
        var (targets, variables) = DashboardQueries();
        Assert.NotEmpty(targets);
        var read = new HashSet<string>();
        foreach (var (panel, expr) in targets)
        {
            var names = PromQL.MetricNames(expr).ToList();
            Assert.True(names.Count > 0, $"panel '{panel}' reads no metric: {expr}");
            Assert.All(names, name => Assert.True(Written.Contains(name), $"panel '{panel}' reads {name}, which obs-backup does not write"));
            read.UnionWith(names);
        }
        Assert.Equal(2, variables.Count);
        Assert.All(variables, q => Assert.Contains(PromQL.LabelValuesMetric(q) ?? "(none)", Written));
        Assert.Equal(Written.Order(), read.Order());
    }

    [Fact]
    public async Task Promtool_parses_every_dashboard_query()
    {
        var (targets, variables) = DashboardQueries();
        // each query as a recording rule, Grafana's variables as they expand for "All"
        var rules = string.Join("", targets.Select((t, i) => $"      - record: dashboard_query_{i}\n        expr: {JsonSerializer.Serialize(t.Expr.Replace("$database", ".*").Replace("$bucket", ".*"))}\n"));
        var file = Path.Combine(Directory.CreateTempSubdirectory("obs-dashboard-").FullName, "queries.yaml");
        await File.WriteAllTextAsync(file, "groups:\n  - name: dashboard\n    rules:\n" + rules);

        var check = await Promtool.RunAsync(["check", "rules", file]);
        Assert.True(check.ExitCode == 0, check.Output + "\n" + rules);
        Assert.NotEmpty(variables);
    }

    [Fact]
    public void The_name_reader_finds_a_foreign_metric_and_skips_functions_keywords_and_labels()
    {
        Assert.Equal(["obs_backup_stored_bytes"], PromQL.MetricNames("sum by (bucket) (obs_backup_stored_bytes{database=~\"$database\", bucket=\"x\"}[5m] offset 1h)"));
        Assert.Equal(["up", "node_textfile_scrape_error"], PromQL.MetricNames("time() - up > 26 * 3600 and on(instance) node_textfile_scrape_error == 1e3"));
        Assert.Equal(["obs_backup_last_status"], PromQL.MetricNames("absent(obs_backup_last_status)"));
        Assert.Equal("obs_backup_last_status", PromQL.LabelValuesMetric("label_values(obs_backup_last_status{bucket=~\"$bucket\"}, database)"));
        Assert.Null(PromQL.LabelValuesMetric("label_values(database)"));
    }
}
