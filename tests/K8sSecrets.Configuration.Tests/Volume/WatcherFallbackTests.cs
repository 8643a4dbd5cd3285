using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Tests;

/// <summary>The polling fallback when the file watcher cannot start (inotify limits) or fails later.</summary>
public sealed class WatcherFallbackTests
{
    [Fact]
    public async Task A_watcher_that_cannot_start_falls_back_to_polling_and_says_so()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "1"));
        var time = new FakeTimeProvider();
        using var harness = new VolumeHarness(
            volume.Root,
            v => v.WatcherFactory = _ => throw new IOException("The configured user limit (128) on the number of inotify instances has been reached."),
            s => s.TimeProvider = time);

        Assert.Equal(TimeSpan.FromSeconds(2), ((VolumeSecretSource)harness.Provider.Source).PollInterval);
        var warning = Assert.Single(harness.Logs.Records, r => r.Id.Name == "WatcherUnavailable");
        Assert.Contains("inotify", warning.Message, StringComparison.Ordinal);
        Assert.Contains(volume.Root, warning.Message, StringComparison.Ordinal);

        volume.Write(("password", "2"));
        await Eventually.HoldsAsync(
            () =>
            {
                time.Advance(TimeSpan.FromMilliseconds(500));
                return harness.Root["password"] == "2";
            },
            "polling picks up the rotation");
    }

    [Fact]
    public async Task A_watcher_that_fails_later_is_logged_and_replaced_at_the_next_read()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "1"));
        var time = new FakeTimeProvider();
        var watchers = new List<FailingWatcher>();
        using var harness = new VolumeHarness(
            volume.Root,
            v => v.WatcherFactory = root =>
            {
                var watcher = new FailingWatcher(root);
                lock (watchers)
                {
                    watchers.Add(watcher);
                }

                return watcher;
            },
            s => s.TimeProvider = time);
        Assert.Null(((VolumeSecretSource)harness.Provider.Source).PollInterval);

        watchers[0].Fail();
        Assert.Contains(harness.Logs.Records, r => r.Id.Name == "WatcherFailed");

        // The failure asks for a read; that read starts a new watcher, so the rotation is seen without polling.
        await Eventually.HoldsAsync(() => { lock (watchers) { return watchers.Count == 2; } }, "a new watcher replaces the failed one");
        volume.Write(("password", "2"));
        await Eventually.HoldsAsync(() => harness.Root["password"] == "2", "the new watcher sees the rotation");
    }

    [Fact]
    public async Task A_folder_replaced_again_and_again_is_polled_after_eight_replacements_and_still_read()
    {
        // On Linux a FileSystemWatcher whose folder was deleted before its disposal keeps a thread and an
        // inotify instance for good (dotnet/runtime#35439), so each replacement used to cost one of each.
        using var parent = new TempFolder();
        var root = Path.Combine(parent.Root, "secrets");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "password"), "v0");
        var time = new FakeTimeProvider();
        var created = 0;
        using var harness = new VolumeHarness(
            root,
            v => v.WatcherFactory = path =>
            {
                Interlocked.Increment(ref created);
                return new FileSystemWatcher(path);
            },
            s => s.TimeProvider = time);

        for (var i = 1; i <= 12; i++)
        {
            var staged = Path.Combine(parent.Root, $"staged{i}");
            Directory.CreateDirectory(staged);
            File.WriteAllText(Path.Combine(staged, "password"), $"v{i}");
            Directory.Move(root, Path.Combine(parent.Root, $"old{i}"));
            Directory.Move(staged, root);
            Directory.Delete(Path.Combine(parent.Root, $"old{i}"), recursive: true);
            var expected = $"v{i}";
            await Eventually.HoldsAsync(
                () =>
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                    return harness.Root["password"] == expected;
                },
                $"replacement {i} is read");
        }

        Assert.Equal(8, Volatile.Read(ref created)); // the first watcher and one per replacement up to the eighth
        var warning = Assert.Single(harness.Logs.Records, r => r.Id.Name == "StoppedWatching");
        Assert.Contains(root, warning.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(2), ((VolumeSecretSource)harness.Provider.Source).PollInterval);
    }

    private sealed class FailingWatcher(string path) : FileSystemWatcher(path)
    {
        public void Fail() => OnError(new ErrorEventArgs(new InternalBufferOverflowException("simulated overflow")));
    }
}
