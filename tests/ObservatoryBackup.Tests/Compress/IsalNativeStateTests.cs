using CliWrap;
using CliWrap.Buffered;
using ObservatoryBackup.Compress;

namespace ObservatoryBackup.Tests.Compress;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeStateCollection
{
    /// <summary>Tests that count the process's live native states: nothing else allocates any while they run.</summary>
    public const string Name = "ISA-L native states";
}

/// <summary>
/// ISA-L's native states against the ways a run ends: a reader disposed from another thread while ISA-L
/// works in its state (a cancelled restore), disposed twice, used after; and none left behind by many
/// backups and restores in one process, or by parallel writers sharing the pool.
/// </summary>
[Trait("Tier", "Fast")]
[Collection(NativeStateCollection.Name)]
public class IsalNativeStateTests
{
    private const int SlowRead = 4321;

    /// <summary>
    /// ISA-L as it is, behind a library of its functions that forwards each to the host's libisal.so.2,
    /// except that an inflate into exactly <see cref="SlowRead"/> bytes first creates the file Entered names,
    /// then waits until the file Release names exists (a minute at most): a native call that lasts until the
    /// test has disposed the reader during it, however slowly the test's thread gets there.
    /// </summary>
    private static async Task<(GzipCodec Codec, string Entered, string Release)> SlowIsalAsync()
    {
        var dir = Directory.CreateTempSubdirectory("obs-isal-slow-").FullName;
        var source = Path.Combine(dir, "slow.c");
        await File.WriteAllTextAsync(source, $$"""
            #include <dlfcn.h>
            #include <time.h>
            #include <stdio.h>
            #include <unistd.h>
            static void *real(const char *name) { static void *isal; if (!isal) isal = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL); return dlsym(isal, name); }
            void isal_deflate_stateless_init(void *s) { ((void (*)(void *))real(__func__))(s); }
            int isal_deflate_stateless(void *s) { return ((int (*)(void *))real(__func__))(s); }
            void isal_inflate_init(void *s) { ((void (*)(void *))real(__func__))(s); }
            void isal_inflate_reset(void *s) { ((void (*)(void *))real(__func__))(s); }
            int isal_read_gzip_header(void *s, void *h) { return ((int (*)(void *, void *))real(__func__))(s, h); }
            int isal_inflate(void *s) {
              if (*(unsigned *)((char *)s + 8) == {{SlowRead}}) {
                fclose(fopen("{{Path.Combine(dir, "entered")}}", "w"));
                for (int waited = 0; access("{{Path.Combine(dir, "release")}}", F_OK) != 0 && waited < 6000; waited++) {
                  struct timespec left = { 0, 10000000 };
                  while (nanosleep(&left, &left) != 0) { } /* the runtime's signals cut a sleep short */
                }
              } return ((int (*)(void *))real(__func__))(s); }
            """);
        var library = Path.Combine(dir, "libisal-slow.so");
        var cc = await CliWrap.Cli.Wrap("clang").WithArguments(["-shared", "-fPIC", source, "-o", library, "-ldl"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(cc.ExitCode == 0, cc.StandardError);
        var codec = GzipCodec.Detect([library]);
        Assert.True(codec.Name == "isa-l", codec.Description);
        return (codec, Path.Combine(dir, "entered"), Path.Combine(dir, "release"));
    }

    [Fact]
    public async Task A_reader_disposed_during_a_native_call_frees_its_state_after_the_call_never_under_it()
    {
        var (codec, entered, release) = await SlowIsalAsync();
        var input = IsalGzipTests.Input(100_000);
        var gzip = await IsalGzipTests.CompressAsync(codec, input);
        SettleFinalizers();
        var before = NativeState.Live;
        var reader = codec.Decompressor(new MemoryStream(gzip));
        Assert.Equal(before + 1, NativeState.Live);
        var buffer = new byte[SlowRead];
        var read = Task.Run(() => reader.Read(buffer, 0, SlowRead));
        for (var waited = 0; !File.Exists(entered) && waited < 20_000; waited += 10) await Task.Delay(10);
        Assert.False(read.IsCompleted);
        reader.Dispose();
        Assert.Equal(before + 1, NativeState.Live); // the call still works in it
        await File.WriteAllTextAsync(release, "");
        Assert.Equal(SlowRead, await read);
        Assert.Equal(input[..SlowRead], buffer);
        Assert.Equal(before, NativeState.Live);
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.Read(buffer, 0, 10));
        Assert.Equal(before, NativeState.Live);
    }

    [Fact]
    public async Task Writers_deflating_at_once_and_readers_ending_every_way_leave_nothing_but_the_pool()
    {
        var codec = GzipCodec.Detect(IsalLibrary.Names); // a pool of its own
        var input = IsalGzipTests.Input(3 * ParallelGzipStream.DefaultBlockSize + 5);
        SettleFinalizers();
        var before = NativeState.Live;
        for (var round = 0; round < 4; round++)
        {
            // more blocks at once than the pool keeps: states are taken, made, returned and freed concurrently
            var written = await Task.WhenAll(Enumerable.Range(1, 9).Select(level => Task.Run(() => IsalGzipTests.CompressAsync(codec, input, level, writeSize: 100_000))));
            foreach (var gzip in written)
            {
                using (var reader = codec.Decompressor(new MemoryStream(gzip)))
                    Assert.Equal(input, GzipFuzzTests.ReadAll(reader, new Random(round), 1 << 16).Data);
                using (var reader = codec.Decompressor(new MemoryStream(gzip)))
                    reader.ReadExactly(new byte[1000]); // left mid-member
                var damaged = (byte[])gzip.Clone();
                damaged[gzip.Length / 2] ^= 0x10;
                Assert.NotNull(GzipFuzzTests.ReadAll(codec.Decompressor(new MemoryStream(damaged)), new Random(round), 1 << 16).Error);
                var twice = codec.Decompressor(new MemoryStream(gzip));
                twice.Dispose();
                twice.Dispose();
            }
        }
        Assert.InRange(NativeState.Live - before, 1, 4 * (Environment.ProcessorCount + 1)); // the idle deflate states, at most the pool's bound per level
    }

    /// <summary>Readers other tests left to the finalizer free their states now, not while a count is compared.</summary>
    private static void SettleFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
