// Measures gzip levels 1-9 (the same ZLibCompressionOptions the backup uses) on plain-SQL dump text:
// either a real dump given as the first argument, or deterministic synthetic COPY data shaped like
// the Observatory's tables (ids, uuids, timestamps, URLs, prose, JSONB).
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;

var input = args.Length > 0 ? await File.ReadAllBytesAsync(args[0]) : Synthetic(256 << 20);
Console.WriteLine($"input: {(args.Length > 0 ? args[0] : "synthetic dump")}, {input.Length / 1048576.0:F1} MiB");
Console.WriteLine("level  compressed MiB  ratio  seconds  input MiB/s");
foreach (var level in new[] { 1, 3, 4, 5, 6, 7, 9 })
{
    var best = double.MaxValue;
    long size = 0;
    for (var run = 0; run < 3; run++)
    {
        var counter = new CountingSink();
        var sw = Stopwatch.StartNew();
        using (var gzip = new GZipStream(counter, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
            for (var offset = 0; offset < input.Length; offset += 1 << 16)
                gzip.Write(input, offset, Math.Min(1 << 16, input.Length - offset));
        best = Math.Min(best, sw.Elapsed.TotalSeconds);
        size = counter.Bytes;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{level,5}  {size / 1048576.0,14:F1}  {(double)input.Length / size,5:F2}  {best,7:F2}  {input.Length / 1048576.0 / best,11:F1}"));
}

static byte[] Synthetic(int bytes)
{
    var rng = new Random(20260216);
    string[] words = ("climate policy election debate media platform observatory research data public health vaccine " +
        "migration energy transport housing education economy inflation protest parliament minister report study " +
        "analysis twitter reddit youtube telegram facebook comment thread share like follower community moderation").Split(' ');
    string[] domains = ["https://www.reddit.com/r/", "https://twitter.com/", "https://www.youtube.com/watch?v=", "https://t.me/", "https://news.example.org/"];
    var sb = new StringBuilder(bytes + 4096);
    sb.Append("--\n-- PostgreSQL database dump\n--\n\nCOPY public.content_records (id, collection_run_id, platform, url, published_at, text_content, raw_metadata) FROM stdin;\n");
    var id = 0L;
    var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    while (sb.Length < bytes)
    {
        id++;
        var text = string.Join(' ', Enumerable.Range(0, rng.Next(8, 60)).Select(_ => words[rng.Next(words.Length)]));
        var url = domains[rng.Next(domains.Length)] + Convert.ToHexString(BitConverter.GetBytes(rng.NextInt64())).ToLowerInvariant();
        var at = start.AddSeconds(rng.Next(0, 60 * 60 * 24 * 365)).ToString("yyyy-MM-dd HH:mm:ss+00", CultureInfo.InvariantCulture);
        var meta = $"{{\"likes\": {rng.Next(0, 5000)}, \"shares\": {rng.Next(0, 900)}, \"lang\": \"{(rng.Next(3) == 0 ? "da" : "en")}\", \"author_id\": \"{rng.NextInt64():x}\"}}";
        sb.Append(id).Append('\t').Append(Guid.NewGuid()).Append('\t').Append(domains.Length).Append('\t')
          .Append(url).Append('\t').Append(at).Append('\t').Append(text).Append('\t').Append(meta).Append('\n');
    }
    sb.Append("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n");
    return Encoding.UTF8.GetBytes(sb.ToString());
}

sealed class CountingSink : Stream
{
    public long Bytes;
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Bytes;
    public override long Position { get => Bytes; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Bytes += count;
}
