using System.IO.Compression;
using System.Text;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>Making and taking apart backup objects by hand, to hand a restore a crafted one.</summary>
public static class Dumps
{
    public static byte[] Gzip(string text) => Gzip(Encoding.UTF8.GetBytes(text));

    public static byte[] Gzip(byte[] data)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal)) gzip.Write(data);
        return buffer.ToArray();
    }

    public static string Gunzip(byte[] gzipped)
    {
        using var gzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The SQL without the manifest line a backup appends: what the replaced scripts and older versions wrote.</summary>
    public static string WithoutManifest(string sql)
    {
        var at = sql.IndexOf(Postgres.DumpManifest.LinePrefix, StringComparison.Ordinal);
        return at < 0 ? sql : sql[..at];
    }
}
