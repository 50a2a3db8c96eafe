using System.Text.RegularExpressions;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// The README and docs/ hold together: every relative link reaches a file and, with an anchor, a heading
/// of it; every test a guarantee names exists, so a guarantee cannot outlive the test that proves it.
/// </summary>
[Trait("Tier", "Fast")]
public sealed partial class DocsTests
{
    private static readonly string Root = Shell.RepoRoot;

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md", "bench/README.md" };
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal))
            pages.Add(Path.GetRelativePath(Root, file).Replace('\\', '/'));
        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_reaches_a_file_and_heading(string page)
    {
        var broken = new List<string>();
        var dir = Path.GetDirectoryName(Path.Combine(Root, page))!;
        foreach (Match link in Link().Matches(OutsideCode(File.ReadAllText(Path.Combine(Root, page)))))
        {
            var target = link.Groups["target"].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var (path, anchor) = hash < 0 ? (target, null) : (target[..hash], target[(hash + 1)..]);
            var file = path.Length == 0 ? Path.Combine(Root, page) : Path.GetFullPath(Path.Combine(dir, path));
            if (!File.Exists(file) && !Directory.Exists(file)) { broken.Add($"{target}: no such file"); continue; }
            if (anchor is not null && !Anchors(file).Contains(anchor)) broken.Add($"{target}: no heading #{anchor}");
        }
        Assert.True(broken.Count == 0, $"{page}: " + string.Join("; ", broken));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_test_a_guarantee_names_exists(string page)
    {
        var sources = TestSources.Value;
        var missing = new List<string>();
        foreach (var line in File.ReadLines(Path.Combine(Root, page)).Where(l => l.StartsWith('|')))
        {
            var cells = line.Split('|');
            if (cells.Length < 3) continue;
            foreach (Match cited in TestName().Matches(cells[^2]))
            {
                var name = cited.Groups["name"].Value;
                if (name.EndsWith(".ps1", StringComparison.Ordinal))
                {
                    if (!File.Exists(Path.Combine(Root, name)) && !File.Exists(Path.Combine(Root, "tests", "pester", name))) missing.Add(name);
                    continue;
                }
                foreach (var part in name.Split('.', '/').Select(p => p.TrimStart('…')).Where(p => p.Length > 0 && p != "cs"))
                    if (!sources.Contains(part)) missing.Add($"{name} ({part})");
            }
        }
        Assert.True(missing.Count == 0, $"{page} names tests that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_checks_see_a_broken_link_and_a_missing_test()
    {
        Assert.Contains("a-heading", AnchorsOf("# A heading\n```\n# not one\n```\n"));
        Assert.DoesNotContain("not-one", AnchorsOf("# A heading\n```\n# not one\n```\n"));
        Assert.Equal("the-cli-obs-backup", Slug("The CLI: `obs-backup`"));
        Assert.Equal("rotating-credential_encryption_key", Slug("Rotating CREDENTIAL_ENCRYPTION_KEY"));
        Assert.Single(TestName().Matches(" `Faults/" + "NoSuch" + "Tests.A_thing_that_holds` "));
        Assert.DoesNotContain("NoSuch" + "Tests", TestSources.Value);
        Assert.Contains("DocsTests", TestSources.Value);
    }

    /// <summary>Every identifier in the test sources: classes, methods and folders.</summary>
    private static readonly Lazy<HashSet<string>> TestSources = new(() =>
    {
        var tests = Path.Combine(Root, "tests");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(tests, "*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".ps1", StringComparison.Ordinal))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            foreach (var segment in Path.GetRelativePath(tests, file).Split(Path.DirectorySeparatorChar))
                names.Add(Path.GetFileNameWithoutExtension(segment));
            foreach (Match word in Word().Matches(File.ReadAllText(file))) names.Add(word.Value);
        }
        return names;
    });

    private static HashSet<string> Anchors(string file) =>
        Directory.Exists(file) ? [] : AnchorsOf(File.ReadAllText(file));

    private static HashSet<string> AnchorsOf(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(OutsideCode(markdown)))
        {
            var slug = Slug(heading.Groups["title"].Value);
            var n = seen.GetValueOrDefault(slug);
            seen[slug] = n + 1;
            anchors.Add(n == 0 ? slug : $"{slug}-{n}");
        }
        return anchors;
    }

    /// <summary>GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static string Slug(string title) =>
        NotSlug().Replace(title.Trim().ToLowerInvariant(), "").Replace(' ', '-');

    private static string OutsideCode(string markdown) => Fence().Replace(markdown, "");

    [GeneratedRegex(@"(?ms)^```.*?^```")] private static partial Regex Fence();
    [GeneratedRegex(@"(?m)^#{1,6} (?<title>.+?)\s*$")] private static partial Regex Heading();
    [GeneratedRegex(@"[^\p{L}\p{N}_\- ]")] private static partial Regex NotSlug();
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")] private static partial Regex Link();
    [GeneratedRegex(@"\b[A-Za-z_][A-Za-z0-9_]*\b")] private static partial Regex Word();
    /// <summary>`Folder/ClassTests`, `ClassTests.Method`, `…Method` (of the class before it), `tests/pester/X.Tests.ps1`.</summary>
    [GeneratedRegex(@"`(?<name>(?:[A-Za-z]+/)*(?:…[A-Za-z0-9_]+|[A-Za-z]+Tests(?:\.[A-Za-z0-9_]+)?|[A-Za-z]+\.Tests\.ps1))`")]
    private static partial Regex TestName();
}
