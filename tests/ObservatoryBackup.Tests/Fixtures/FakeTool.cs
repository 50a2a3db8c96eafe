namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// A stand-in for pg_dump or psql, for injecting a fault into a running backup or restore: a bash
/// script that answers --version as PostgreSQL 15 does and otherwise runs <c>body</c>. Removed on dispose.
/// </summary>
public sealed class FakeTool : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-fake-").FullName;

    public FakeTool(string name, string body)
    {
        Path = System.IO.Path.Combine(_dir, name);
        File.WriteAllText(Path, $"""
            #!/usr/bin/env bash
            if [ "$1" = "--version" ]; then echo "{name} (PostgreSQL) 15.14"; exit 0; fi
            {body}
            """);
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Path { get; }

    /// <summary>A file in the tool's own directory, for the script and the test to signal each other.</summary>
    public string FileNamed(string name) => System.IO.Path.Combine(_dir, name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
