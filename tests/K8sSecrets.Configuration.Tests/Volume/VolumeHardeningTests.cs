using System.Collections.Concurrent;
using System.Text;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Tests;

/// <summary>The volume defects of the adversarial review (issue 15: 3, 4, 5, 11, 14), each reproduced.</summary>
public sealed class VolumeHardeningTests
{
    private static readonly TimeSpan BuildLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_directory_link_in_a_folder_is_refused_by_name_and_never_followed()
    {
        using var folder = new TempFolder();
        folder.Write("a", "1");
        folder.Write("sub/b", "2");
        Directory.CreateSymbolicLink(Path.Join(folder.Root, "loop"), ".");
        Directory.CreateSymbolicLink(Path.Join(folder.Root, "sub", "up"), "..");
        using var harness = new VolumeHarness(folder.Root);

        Assert.Equal(["a", "sub:b"], harness.Snapshot().Keys.Order(StringComparer.Ordinal));
        var refused = harness.Logs.Records.Where(r => r.Id.Name == "KeyFailed").Select(r => r.Message).ToList();
        Assert.Contains(refused, m => m.Contains(Path.Join(folder.Root, "loop"), StringComparison.Ordinal) && m.Contains("folder", StringComparison.Ordinal));
        Assert.Contains(refused, m => m.Contains(Path.Join(folder.Root, "sub", "up"), StringComparison.Ordinal));
    }

    [Fact]
    public void A_directory_link_inside_a_kubelet_generation_is_refused()
    {
        using var volume = new KubeletVolume();
        volume.Write(("a", "1"));
        Directory.CreateSymbolicLink(Path.Join(volume.Root, volume.Generation, "loop"), ".");
        using var harness = new VolumeHarness(volume.Root);
        Assert.Equal(["a"], harness.Snapshot().Keys);
        Assert.Contains(harness.Logs.Records, r => r.Id.Name == "KeyFailed" && r.Message.Contains("loop", StringComparison.Ordinal));
    }

    [Fact]
    public void A_volume_with_more_entries_than_the_cap_fails_the_read_naming_the_cap()
    {
        Assert.Equal(10_000, new VolumeSecretOptions().MaxEntries);
        using var folder = new TempFolder();
        folder.Write("sub/k0", "v"); // folders count too
        for (var i = 1; i < 20; i++)
        {
            folder.Write("k" + i, "v");
        }

        var error = Assert.Throws<SecretSourceException>(() => new VolumeHarness(folder.Root, v => v.MaxEntries = 20));
        Assert.Contains(folder.Root, error.Message, StringComparison.Ordinal);
        Assert.Contains("more than 20 files and folders", error.Message, StringComparison.Ordinal);

        // At the limit it loads.
        File.Delete(Path.Join(folder.Root, "k1"));
        using var harness = new VolumeHarness(folder.Root, v => v.MaxEntries = 20);
        Assert.Equal("v", harness.Root["sub:k0"]);
    }

    [Fact]
    public void A_data_link_through_a_generation_that_leaves_the_mount_is_refused()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "mine"));
        using var elsewhere = new TempFolder();
        elsewhere.Write("shadow", "stolen-sentinel");
        Directory.CreateSymbolicLink(Path.Join(volume.Root, "..2099_01_01_00_00_00.1"), elsewhere.Root);
        File.CreateSymbolicLink(Path.Join(volume.Root, "..data_tmp"), "..2099_01_01_00_00_00.1");
        SpecialFiles.Rename(Path.Join(volume.Root, "..data_tmp"), Path.Join(volume.Root, KubeletVolume.DataLink));

        var error = Assert.Throws<SecretSourceException>(() => new VolumeHarness(volume.Root));
        Assert.Contains("outside the mount", error.Message, StringComparison.Ordinal);
        Assert.Contains(volume.Root, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("stolen-sentinel", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_link_repointed_outside_at_run_time_keeps_the_last_good_values()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "mine"));
        using var elsewhere = new TempFolder();
        elsewhere.Write("password", "stolen-sentinel");
        using var harness = new VolumeHarness(volume.Root);
        Directory.CreateSymbolicLink(Path.Join(volume.Root, "..2099_01_01_00_00_00.1"), elsewhere.Root);
        File.CreateSymbolicLink(Path.Join(volume.Root, "..data_tmp"), "..2099_01_01_00_00_00.1");
        SpecialFiles.Rename(Path.Join(volume.Root, "..data_tmp"), Path.Join(volume.Root, KubeletVolume.DataLink));

        Assert.False(await harness.Provider.RefreshAsync(CancellationToken.None));
        Assert.Equal("mine", harness.Root["password"]);
        Assert.Contains("outside the mount", harness.Provider.GetHealth().LastError, StringComparison.Ordinal);
        harness.Logs.AssertNoSentinel("stolen-sentinel");
    }

    [Fact]
    public async Task A_watched_folder_swapped_by_rename_is_noticed_and_watched_again()
    {
        using var parent = new TempFolder();
        var root = Path.Join(parent.Root, "secrets");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Join(root, "password"), "old");
        var time = new FakeTimeProvider();
        using var harness = new VolumeHarness(root, configure: null, s => s.TimeProvider = time);
        await SettleAsync(harness, time);

        var staged = Path.Join(parent.Root, "secrets.new");
        Directory.CreateDirectory(staged);
        File.WriteAllText(Path.Join(staged, "password"), "new");
        Directory.Move(root, Path.Join(parent.Root, "secrets.old"));
        Directory.Move(staged, root);

        await Eventually.HoldsAsync(() => Advance(time) && harness.Root["password"] == "new", "the swapped-in folder is read");

        // The watcher now follows the new folder: a write there is seen without polling.
        File.WriteAllText(Path.Join(root, "password"), "newer");
        await Eventually.HoldsAsync(() => Advance(time) && harness.Root["password"] == "newer", "the new folder is watched");
        Assert.Null(((VolumeSecretSource)harness.Provider.Source).PollInterval);
        Assert.True(harness.Provider.GetHealth().IsHealthy);
    }

    [Fact]
    public async Task A_repointed_root_symlink_is_noticed()
    {
        using var parent = new TempFolder();
        parent.Write("a/password", "from-a");
        parent.Write("b/password", "from-b");
        var root = Path.Join(parent.Root, "current");
        Directory.CreateSymbolicLink(root, "a");
        var time = new FakeTimeProvider();
        using var harness = new VolumeHarness(root, configure: null, s => s.TimeProvider = time);
        await SettleAsync(harness, time);
        Assert.Equal("from-a", harness.Root["password"]);

        Directory.CreateSymbolicLink(root + ".tmp", "b");
        SpecialFiles.Rename(root + ".tmp", root);

        await Eventually.HoldsAsync(() => Advance(time) && harness.Root["password"] == "from-b", "the new target is read");
        File.WriteAllText(Path.Join(parent.Root, "b", "password"), "b-rotated");
        await Eventually.HoldsAsync(() => Advance(time) && harness.Root["password"] == "b-rotated", "the new target is watched");
    }

    [Fact]
    public async Task A_fifo_in_a_plain_folder_is_refused_by_name_and_does_not_block_the_build()
    {
        using var folder = new TempFolder();
        folder.Write("fine", "f");
        var pipe = Path.Join(folder.Root, "pipe");
        SpecialFiles.CreateFifo(pipe);

        var harness = await BuildWithinLimitAsync(() => new VolumeHarness(folder.Root), pipe);
        using (harness)
        {
            Assert.Equal("f", harness.Root["fine"]);
            Assert.Null(harness.Root["pipe"]);
            Assert.Contains(harness.Logs.Records, r => r.Id.Name == "KeyFailed" && r.Message.Contains(pipe, StringComparison.Ordinal) && r.Message.Contains("not a regular file", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_fifo_in_a_new_kubelet_generation_does_not_block_a_refresh()
    {
        using var volume = new KubeletVolume();
        volume.Write(("a", "1"), ("b", "1"));
        using var harness = new VolumeHarness(volume.Root, v => v.ReloadOnChange = false);
        string? pipe = null;
        await volume.WriteAsync(
            new Dictionary<string, byte[]> { ["a"] = "2"u8.ToArray(), ["b"] = "2"u8.ToArray() },
            step =>
            {
                if (step == KubeletStep.LinkDataTmp)
                {
                    var fresh = Directory.GetDirectories(volume.Root, "..20*").Single(d => Path.GetFileName(d) != volume.Generation);
                    pipe = Path.Join(fresh, "b");
                    File.Delete(pipe);
                    SpecialFiles.CreateFifo(pipe);
                }

                return Task.CompletedTask;
            });

        var refresh = harness.Provider.RefreshAsync(CancellationToken.None);
        try
        {
            Assert.True(await refresh.WaitAsync(BuildLimit));
        }
        catch (TimeoutException)
        {
            SpecialFiles.ReleaseFifoReaders(pipe!);
            throw;
        }

        Assert.Equal("2", harness.Root["a"]);
        Assert.Equal("1", harness.Root["b"]); // refused by name: keeps its last good value
        Assert.Contains(harness.Logs.Records, r => r.Id.Name == "KeyFailed" && r.Message.Contains(pipe!, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_plain_folder_read_during_which_a_write_starts_is_discarded_and_read_again(bool useFileWatcher)
    {
        using var folder = new TempFolder();
        var file = folder.Write("token", "old-token");
        folder.Write("other", "o");
        var time = new FakeTimeProvider();
        FileStream? writer = null;
        var armed = 0;
        using var harness = new VolumeHarness(
            folder.Root,
            v =>
            {
                v.UseFileWatcher = useFileWatcher;
                v.BeforeFileRead = path =>
                {
                    if (Path.GetFileName(path) == "token" && Interlocked.Exchange(ref armed, 0) == 1)
                    {
                        // A writer starts while the read runs: the first half lands before 'token' is opened.
                        writer = new FileStream(file, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
                        writer.Write("new-"u8);
                        writer.Flush();
                    }
                };
            },
            s => s.TimeProvider = time);
        using var refreshes = new MetricCollector<long>(null, SecretsTelemetry.MeterName, "k8ssecrets.refreshes");
        var seen = new ConcurrentQueue<string?>();
        using var registration = ChangeToken.OnChange(harness.Root.GetReloadToken, () => seen.Enqueue(harness.Root["token"]));

        var reads = RefreshCount(refreshes, folder.Root);
        Volatile.Write(ref armed, 1);
        await Eventually.HoldsAsync(
            () =>
            {
                if (Volatile.Read(ref writer) is not null)
                {
                    return true;
                }

                time.Advance(TimeSpan.FromMilliseconds(500)); // no further advance once the writer began
                return false;
            },
            "a read starts and the writer begins");
        await Eventually.HoldsAsync(() => RefreshCount(refreshes, folder.Root) > reads, "the read during which the write began has ended");
        writer!.Write("token-complete"u8);
        await writer.DisposeAsync();

        await Eventually.HoldsAsync(() => Advance(time) && harness.Root["token"] == "new-token-complete", "the finished file is published");
        Assert.Equal(["new-token-complete"], seen);
        Assert.True(harness.Provider.GetHealth().IsHealthy);
    }

    [Fact]
    public async Task A_plain_folder_write_whose_event_lands_just_before_a_read_starts_is_published_only_once_complete()
    {
        using var folder = new TempFolder();
        using var elsewhere = new TempFolder(); // the watcher watches this empty folder: the only events are the ones the test raises
        var old = new string('o', 8192);
        var rotated = Encoding.ASCII.GetBytes(new string('n', 8192));
        var file = folder.Write("token", old);
        var time = new FakeTimeProvider();
        InjectingWatcher? watcher = null;
        FileStream? writer = null;
        using var harness = new VolumeHarness(
            folder.Root,
            v =>
            {
                v.WatcherFactory = _ => watcher = new InjectingWatcher(elsewhere.Root);
                v.BeforeRead = () =>
                {
                    if (Volatile.Read(ref watcher) is { } events && Volatile.Read(ref writer) is null)
                    {
                        // The engine's quiet wait after Build() has just ended: the writer truncates the file and
                        // writes its first half, and the event of that write arrives before the read starts.
                        var stream = new FileStream(file, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
                        stream.Write(rotated, 0, 4096);
                        stream.Flush();
                        events.Raise("token");
                        Volatile.Write(ref writer, stream);
                    }
                };
            },
            s => s.TimeProvider = time);
        using var refreshes = new MetricCollector<long>(null, SecretsTelemetry.MeterName, "k8ssecrets.refreshes");
        var seen = new ConcurrentQueue<int>();
        using var registration = ChangeToken.OnChange(harness.Root.GetReloadToken, () => seen.Enqueue(harness.Root["token"]?.Length ?? -1));
        Assert.Equal(old, harness.Root["token"]);

        var reads = RefreshCount(refreshes, folder.Root);
        await Eventually.HoldsAsync(() => Volatile.Read(ref writer) is not null || !Step(time), "the start-up check read begins and the writer with it");
        await Eventually.HoldsAsync(() => RefreshCount(refreshes, folder.Root) > reads, "the read that began just after the event has ended");
        writer!.Write(rotated, 4096, 4096);
        await writer.DisposeAsync();
        watcher!.Raise("token");

        await Eventually.HoldsAsync(() => Step(time) && harness.Root["token"]?.Length == 8192 && harness.Root["token"]![0] == 'n', "the finished file is published");
        Assert.Equal([8192], seen);
        Assert.True(harness.Provider.GetHealth().IsHealthy);
    }

    [Fact]
    public void Hidden_files_of_a_plain_folder_are_skipped_except_the_names_a_Secret_uses()
    {
        using var folder = new TempFolder();
        folder.Write("password", "p");
        folder.Write(".dockerconfigjson", "{}");
        folder.Write(".dockercfg", "{}");
        folder.Write(".gitkeep", "");
        folder.Write(".DS_Store", "junk");
        folder.Write(".password.swp", "half");
        folder.Write(".git/config", "[core]");
        folder.Write("nested/.hidden", "h");
        folder.Write("nested/key", "k");
        using var harness = new VolumeHarness(folder.Root);
        Assert.Equal(
            new[] { ".dockercfg", ".dockerconfigjson", "nested:key", "password" },
            harness.Snapshot().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_single_dot_key_of_a_kubelet_volume_is_kept()
    {
        using var volume = new KubeletVolume();
        volume.Write((".gitkeep", "g"), (".hidden", "h"), ("visible", "v"));
        using var harness = new VolumeHarness(volume.Root);
        Assert.Equal(
            new[] { ".gitkeep", ".hidden", "visible" },
            harness.Snapshot().Keys.Order(StringComparer.Ordinal));
    }

    private static int RefreshCount(MetricCollector<long> refreshes, string root)
        => refreshes.GetMeasurementSnapshot().Count(m => Equals(m.Tags["source.name"], root));

    /// <summary>Moves the clock by a fifth of the default Debounce, so a step that slips in after an event cannot make the folder look quiet.</summary>
    [Fact]
    public async Task A_plain_folder_under_an_event_before_every_read_still_publishes_the_complete_rotation()
    {
        // Attack on issue 18 item 18: a storm (here an event just before every read, on another file)
        // must not keep the folder from publishing, and what it publishes is the whole file.
        using var folder = new TempFolder();
        using var elsewhere = new TempFolder();
        var file = folder.Write("token", "old");
        var time = new FakeTimeProvider();
        InjectingWatcher? watcher = null;
        var reads = 0;
        using var harness = new VolumeHarness(
            folder.Root,
            v =>
            {
                v.WatcherFactory = _ => watcher = new InjectingWatcher(elsewhere.Root);
                v.BeforeRead = () =>
                {
                    Interlocked.Increment(ref reads);
                    Volatile.Read(ref watcher)?.Raise("noise");
                };
            },
            s => s.TimeProvider = time);
        var seen = new ConcurrentQueue<string?>();
        using var registration = ChangeToken.OnChange(harness.Root.GetReloadToken, () => seen.Enqueue(harness.Root["token"]));
        Assert.Equal("old", harness.Root["token"]);

        await File.WriteAllTextAsync(file, "new-token-complete");
        await Eventually.HoldsAsync(() => Volatile.Read(ref watcher) is not null, "the watcher is up");
        watcher!.Raise("token");

        await Eventually.HoldsAsync(() => Step(time) && harness.Root["token"] == "new-token-complete", "the rotation is published despite the storm");
        Assert.All(seen, v => Assert.Equal("new-token-complete", v));
        Assert.InRange(Volatile.Read(ref reads), 2, 200);
    }

    private static bool Step(FakeTimeProvider time)
    {
        time.Advance(TimeSpan.FromMilliseconds(50));
        return true;
    }

    private static bool Advance(FakeTimeProvider time)
    {
        time.Advance(TimeSpan.FromMilliseconds(500));
        return true;
    }

    /// <summary>Lets the start-up re-check run, so later reads are caused by the test alone.</summary>
    private static async Task SettleAsync(VolumeHarness harness, FakeTimeProvider time)
    {
        var first = harness.Provider.GetHealth().LastSuccess;
        await Eventually.HoldsAsync(() => Advance(time) && harness.Provider.GetHealth().LastSuccess != first, "the start-up re-check has run");
    }

    private static async Task<VolumeHarness> BuildWithinLimitAsync(Func<VolumeHarness> build, string pipe)
    {
        var task = Task.Run(build);
        try
        {
            return await task.WaitAsync(BuildLimit);
        }
        catch (TimeoutException)
        {
            SpecialFiles.ReleaseFifoReaders(pipe);
            throw new Xunit.Sdk.XunitException($"Build() was still blocked on the named pipe '{pipe}' after {BuildLimit}.");
        }
    }

    /// <summary>A watcher whose change events the test raises itself, at the moment it chooses.</summary>
    private sealed class InjectingWatcher(string path) : FileSystemWatcher(path)
    {
        public void Raise(string name) => OnChanged(new FileSystemEventArgs(WatcherChangeTypes.Changed, Path, name));
    }
}
