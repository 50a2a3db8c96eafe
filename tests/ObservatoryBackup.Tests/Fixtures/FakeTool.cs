namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// A stand-in for pg_dump or psql, for injecting a fault into a running backup or restore: a bash
/// script that answers --version as PostgreSQL 15 does and otherwise runs <c>body</c>. Removed on dispose.
/// </summary>
public sealed class FakeTool : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-fake-").FullName;

    /// <param name="everyRun">Shell run first, --version included.</param>
    public FakeTool(string name, string body, string everyRun = "")
    {
        Path = Beside(name, body, everyRun);
    }

    public string Path { get; }

    /// <summary>Another fake program in the same directory (pg_dumpall beside pg_dump); returns its path.</summary>
    public string Beside(string name, string body, string everyRun = "")
    {
        var path = System.IO.Path.Combine(_dir, name);
        File.WriteAllText(path, $"""
            #!/usr/bin/env bash
            {everyRun}
            if [ "$1" = "--version" ]; then echo "{name} (PostgreSQL) 15.14"; exit 0; fi
            {body}
            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>A file in the tool's own directory, for the script and the test to signal each other.</summary>
    public string FileNamed(string name) => System.IO.Path.Combine(_dir, name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
