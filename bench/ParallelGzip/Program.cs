// dotnet run -c Release --project bench/ParallelGzip [-- MiB | dump.sql [levels]]
// One-thread GZipStream against ParallelGzipStream at the backup's default level, and zstd at levels 1-4, on
// dump-like text (or a real plain dump), best of three each; prints seconds, sizes and the speed-up.
// Measures; does not pass or fail.
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using ObservatoryBackup.Compress;

byte[] data;
if (args.Length > 0 && File.Exists(args[0]))
    data = File.ReadAllBytes(args[0]);
else
{
    var mebibytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
    var text = new StringBuilder();
    var random = new Random(1);
    for (var i = 0; text.Length < mebibytes << 20; i++)
        text.Append(i).Append('\t').Append("query term ").Append(random.Next(100_000)).Append("\t2026-02-16 02:00:0").Append(i % 10)
            .Append("\t{\"score\": ").Append(random.Next()).Append("}\n");
    data = Encoding.UTF8.GetBytes(text.ToString());
}

async Task<(double Seconds, long Bytes)> RunAsync(bool parallel, bool zstd = false, int level = 4)
{
    var best = double.MaxValue;
    long size = 0;
    for (var run = 0; run < 3; run++)
    {
        var output = new MemoryStream();
        var clock = Stopwatch.StartNew();
        Stream gzip = zstd ? Codecs.Compressor(ObservatoryBackup.Configuration.BackupCodec.Zstd, output, level)
            : parallel ? new ParallelGzipStream(output, 4, leaveOpen: true)
            : new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = 4 }, leaveOpen: true);
        await using (gzip)
            for (var i = 0; i < data.Length; i += 1 << 17) await gzip.WriteAsync(data.AsMemory(i, Math.Min(1 << 17, data.Length - i)));
        best = Math.Min(best, clock.Elapsed.TotalSeconds);
        size = output.Length;
    }
    return (best, size);
}

// `-- dump.sql levels`: the table of bench/README.md's ISA-L section: each library at each of its
// levels, through the backup's own writer (1 MiB blocks on every core), and reading the output back.
if (args.Contains("levels"))
{
    Console.WriteLine();
    Console.WriteLine("codec    level (its own)  MiB       ratio  write s  write CPU s  read s  read CPU s");
    var rows = new (GzipCodec Codec, int Level)[] { (GzipCodec.Current, 1), (GzipCodec.Current, 2), (GzipCodec.Current, 3), (GzipCodec.Current, 4),
        (GzipCodec.ZlibNg, 1), (GzipCodec.ZlibNg, 4), (GzipCodec.ZlibNg, 6) };
    foreach (var (codec, level) in rows)
    {
        var (write, writeCpu, read, readCpu, bytes) = (double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue, 0L);
        for (var run = 0; run < 3; run++)
        {
            var output = new MemoryStream();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await using (var gzip = new ParallelGzipStream(output, level, leaveOpen: true, codec: codec))
                for (var i = 0; i < data.Length; i += 1 << 17) await gzip.WriteAsync(data.AsMemory(i, Math.Min(1 << 17, data.Length - i)));
            write = Math.Min(write, clock.Elapsed.TotalSeconds);
            writeCpu = Math.Min(writeCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            bytes = output.Length;
            output.Position = 0;
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Restart();
            await using (var reader = codec.Decompressor(output))
                await reader.CopyToAsync(Stream.Null);
            read = Math.Min(read, clock.Elapsed.TotalSeconds);
            readCpu = Math.Min(readCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{codec.Name,-8} {level} ({codec.LevelFor(level)})         {bytes / 1048576.0,8:0.00}  {(double)data.Length / bytes,5:0.000}  {write,7:0.00}  {writeCpu,11:0.00}  {read,6:0.00}  {readCpu,10:0.00}"));
    }
    return;
}

var one = await RunAsync(parallel: false);
var all = await RunAsync(parallel: true);
Console.WriteLine($"input {data.Length / 1048576.0:0} MiB, {Environment.ProcessorCount} cores, best of 3");
Console.WriteLine($"GZipStream level 4 (one thread)  {one.Seconds,6:0.00} s  {one.Bytes / 1048576.0,7:0.0} MiB");
Console.WriteLine($"ParallelGzipStream level 4       {all.Seconds,6:0.00} s  {all.Bytes / 1048576.0,7:0.0} MiB  ({one.Seconds / all.Seconds:0.00}x, size {100.0 * all.Bytes / one.Bytes - 100:+0.0;-0.0}%)");
for (var level = 1; level <= 4; level++)
{
    var zst = await RunAsync(parallel: true, zstd: true, level: level);
    Console.WriteLine($"zstd level {level} (all cores)       {zst.Seconds,6:0.00} s  {zst.Bytes / 1048576.0,7:0.0} MiB  ({one.Seconds / zst.Seconds:0.00}x, size {100.0 * zst.Bytes / one.Bytes - 100:+0.0;-0.0}%)");
}

