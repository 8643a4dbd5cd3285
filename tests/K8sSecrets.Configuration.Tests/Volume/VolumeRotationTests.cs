using System.Collections.Concurrent;
using System.Text;
using K8sSecrets.Configuration.Testing;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Tests;

public sealed class VolumeRotationTests
{
    private static Dictionary<string, byte[]> Payload(params (string Key, string Value)[] items)
        => items.ToDictionary(i => i.Key, i => Encoding.UTF8.GetBytes(i.Value));

    [Fact]
    public async Task Each_kubelet_rotation_raises_exactly_one_reload()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "v0"));
        using var harness = new VolumeHarness(volume.Root);
        for (var i = 1; i <= 3; i++)
        {
            volume.Write(("password", $"v{i}"));
            var expected = $"v{i}";
            var reloads = i;
            await Eventually.HoldsAsync(() => harness.Root["password"] == expected && harness.Reloads == reloads, $"rotation {i} is published once");
        }

        Assert.True(harness.Provider.GetHealth().IsHealthy);
    }

    [Fact]
    public async Task A_resync_that_rewrites_identical_content_fires_nothing()
    {
        using var volume = new KubeletVolume();
        volume.Write(("a", "1"), ("b", "2"));
        using var harness = new VolumeHarness(volume.Root);
        var before = volume.Generation;

        Assert.False(volume.Write(("a", "1"), ("b", "2")));
        await volume.WriteAsync(Payload(("a", "1"), ("b", "2")), force: true);
        Assert.NotEqual(before, volume.Generation);
        volume.Write(("a", "1"), ("b", "changed"));
        await Eventually.HoldsAsync(() => harness.Root["b"] == "changed", "the real change is published");
        await Eventually.HoldsAsync(() => harness.Reloads == 1, "one reload is raised");
        await Task.Delay(100);
        Assert.Equal(1, harness.Reloads);
    }

    [Fact]
    public async Task A_burst_of_swaps_ends_on_the_final_state_with_reloads_coalesced()
    {
        using var volume = new KubeletVolume();
        volume.Write(("n", "0"));
        using var harness = new VolumeHarness(volume.Root);
        for (var i = 1; i <= 20; i++)
        {
            volume.Write(("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await Eventually.HoldsAsync(() => harness.Root["n"] == "20", "the final state is published");
        await Task.Delay(100);
        Assert.Equal("20", harness.Root["n"]);
        Assert.InRange(harness.Reloads, 1, 20);
    }

    [Fact]
    public async Task Readers_never_see_a_half_rotated_pair()
    {
        using var volume = new KubeletVolume();
        volume.Write(("tls.crt", "crt-0"), ("tls.key", "key-0"));
        using var harness = new VolumeHarness(volume.Root);
        var seen = new ConcurrentBag<(string? Crt, string? Key)>();
        var data = typeof(ConfigurationProvider).GetProperty("Data", BindingFlags.NonPublic | BindingFlags.Instance)!;
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                // One published dictionary is one generation: read both keys from the same instance.
                var published = (IDictionary<string, string?>)data.GetValue(harness.Provider)!;
                seen.Add((published["tls.crt"], published["tls.key"]));
            }
        });

        for (var i = 1; i <= 30; i++)
        {
            volume.Write(("tls.crt", $"crt-{i}"), ("tls.key", $"key-{i}"));
        }

        await Eventually.HoldsAsync(() => harness.Root["tls.crt"] == "crt-30", "the last rotation is published");
        await stop.CancelAsync();
        await reader;
        Assert.All(seen.Where(p => p.Crt is not null), pair => Assert.Equal(pair.Crt![4..], pair.Key![4..]));
    }

    [Fact]
    public async Task A_folder_that_vanishes_keeps_the_last_good_values_and_recovers()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "kept"));
        using var harness = new VolumeHarness(volume.Root, v => v.PollInterval = TimeSpan.FromMilliseconds(50), s => s.MinRetryDelay = TimeSpan.FromMilliseconds(20));

        Directory.Delete(volume.Root, recursive: true);
        await Eventually.HoldsAsync(() => harness.Provider.GetHealth().ConsecutiveFailures > 0, "the outage is noticed");
        Assert.Equal("kept", harness.Root["password"]);
        Assert.Equal(0, harness.Reloads);
        Assert.Contains(volume.Root, harness.Provider.GetHealth().LastError, StringComparison.Ordinal);

        Directory.CreateDirectory(volume.Root);
        volume.Write(("password", "back"));
        await Eventually.HoldsAsync(() => harness.Root["password"] == "back", "the folder is read again once it is back");
        Assert.True(harness.Provider.GetHealth().IsHealthy);
    }

    [Fact]
    public async Task An_optional_missing_folder_starts_empty_and_loads_when_it_appears()
    {
        var root = Path.Join(Path.GetTempPath(), "k8ssecrets-later-" + Guid.NewGuid().ToString("N"));
        var time = new FakeTimeProvider();
        using var refreshes = new MetricCollector<long>(null, SecretsTelemetry.MeterName, "k8ssecrets.refreshes");
        using var harness = new VolumeHarness(root, v => v.Optional = true, s => s.TimeProvider = time);
        Assert.Empty(harness.Snapshot());
        await Eventually.HoldsAsync(
            () =>
            {
                time.Advance(TimeSpan.FromMilliseconds(100)); // through the debounce of a folder of unknown layout
                return refreshes.GetMeasurementSnapshot().Count(m => Equals(m.Tags["source.name"], root)) >= 2;
            },
            "the start-up re-check has run");
        Assert.Equal(TimeSpan.FromSeconds(2), ((VolumeSecretSource)harness.Provider.Source).PollInterval);

        using var volume = new KubeletVolume(root);
        volume.Write(("password", "arrived"));
        await Task.Delay(50);
        Assert.Null(harness.Root["password"]);
        await Eventually.HoldsAsync(
            () =>
            {
                time.Advance(TimeSpan.FromMilliseconds(500));
                return harness.Root["password"] == "arrived";
            },
            "the folder is loaded once it appears");
        await Eventually.HoldsAsync(() => harness.Reloads == 1, "its arrival raises one reload");

        // Now that the folder exists, the watcher takes over from polling.
        await Eventually.HoldsAsync(() => ((VolumeSecretSource)harness.Provider.Source).PollInterval is null, "the watcher starts");
        volume.Write(("password", "rotated"));
        await Eventually.HoldsAsync(() => harness.Root["password"] == "rotated", "a rotation is seen without polling");
    }

    [Fact]
    public async Task Without_the_file_watcher_the_folder_is_polled_on_its_interval()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "1"));
        var time = new FakeTimeProvider();
        using var refreshes = new MetricCollector<long>(null, SecretsTelemetry.MeterName, "k8ssecrets.refreshes");
        using var harness = new VolumeHarness(volume.Root, v => v.UseFileWatcher = false, s => s.TimeProvider = time);
        Assert.Equal(TimeSpan.FromSeconds(2), ((VolumeSecretSource)harness.Provider.Source).PollInterval);
        await Eventually.HoldsAsync(
            () => refreshes.GetMeasurementSnapshot().Count(m => Equals(m.Tags["source.name"], volume.Root)) >= 2,
            "the start-up re-check has run");

        volume.Write(("password", "2"));
        await Task.Delay(100);
        Assert.Equal("1", harness.Root["password"]);
        await Eventually.HoldsAsync(
            () =>
            {
                time.Advance(TimeSpan.FromMilliseconds(500));
                return harness.Root["password"] == "2";
            },
            "a poll picks up the rotation");
    }

    [Fact]
    public async Task A_rotation_refused_by_the_validate_gate_keeps_the_last_good_values()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "good-1"));
        using var harness = new VolumeHarness(volume.Root, v => v.Validate = data =>
            string.IsNullOrEmpty(data.GetValueOrDefault("password")) ? "password is empty" : null);

        volume.Write(("password", ""));
        await Eventually.HoldsAsync(() => harness.Provider.GetHealth().ConsecutiveFailures > 0, "the refusal is recorded");
        Assert.Equal("good-1", harness.Root["password"]);
        Assert.Equal(0, harness.Reloads);
        Assert.Contains("password is empty", harness.Provider.GetHealth().LastError, StringComparison.Ordinal);

        volume.Write(("password", "good-2"));
        await Eventually.HoldsAsync(() => harness.Root["password"] == "good-2" && harness.Reloads == 1, "a valid rotation is published");
        Assert.True(harness.Provider.GetHealth().IsHealthy);
    }

    [Fact]
    public void A_required_source_refused_by_the_validate_gate_fails_the_build()
    {
        using var volume = new KubeletVolume();
        volume.Write(("user", "u"));
        var error = Assert.Throws<SecretSourceException>(() => new VolumeHarness(volume.Root, v => v.Validate = data =>
            data.ContainsKey("password") ? null : "password is missing"));
        Assert.Contains("password is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_folder_publishes_a_file_only_once_it_is_quiet()
    {
        using var folder = new TempFolder();
        var root = folder.Root;
        var file = Path.Join(root, "token");
        File.WriteAllText(file, "old-token");
        using var harness = new VolumeHarness(root, v => v.Debounce = TimeSpan.FromSeconds(1));
        var seen = new ConcurrentQueue<string?>();
        using var registration = ChangeToken.OnChange(harness.Root.GetReloadToken, () => seen.Enqueue(harness.Root["token"]));

        await using (var stream = new FileStream(file, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
            await stream.WriteAsync("new-"u8.ToArray());
            await stream.FlushAsync();
            await Task.Delay(100);
            await stream.WriteAsync("token-complete"u8.ToArray());
        }

        await Eventually.HoldsAsync(() => harness.Root["token"] == "new-token-complete", "the finished file is published");
        Assert.Equal(["new-token-complete"], seen);
    }
}
