using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Tests;

/// <summary>
/// The cold load of a volume (issue 22, item 5): files are opened relative to the folder's handle
/// and links are checked only when the open finds one, and a source with nothing to watch starts
/// no refresh loop. The safety rules must hold on that path too.
/// </summary>
public sealed class VolumeColdLoadTests
{
    [Fact]
    public void A_volume_read_without_reloadOnChange_starts_no_refresh_loop()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "p"));
        using var harness = new VolumeHarness(volume.Root, v => v.ReloadOnChange = false);

        Assert.Equal("p", harness.Root["password"]);
        Assert.True(harness.Provider.Completion.IsCompleted, "a clean load with nothing to watch or retry runs no background loop");
    }

    [Fact]
    public async Task Without_reloadOnChange_an_optional_missing_folder_is_still_retried_until_it_appears()
    {
        var root = Path.Join(Path.GetTempPath(), "k8ssecrets-cold-" + Guid.NewGuid().ToString("N"));
        var time = new FakeTimeProvider();
        using var harness = new VolumeHarness(root, v => (v.Optional, v.ReloadOnChange) = (true, false), s => s.TimeProvider = time);
        Assert.Empty(harness.Snapshot());
        Assert.False(harness.Provider.Completion.IsCompleted, "a failed load plans a retry, so the loop runs");

        using var volume = new KubeletVolume(root);
        volume.Write(("password", "arrived"));
        await Eventually.HoldsAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return harness.Root["password"] == "arrived";
            },
            "the retry loads the folder once it appears");
    }

    [Fact]
    public async Task A_failed_reload_without_reloadOnChange_starts_the_loop_that_retries_it()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "p0"));
        var time = new FakeTimeProvider();
        using var harness = new VolumeHarness(volume.Root, v => v.ReloadOnChange = false, s => s.TimeProvider = time);
        Assert.True(harness.Provider.Completion.IsCompleted);

        var data = Path.Join(volume.Root, KubeletVolume.DataLink);
        var generation = volume.Generation!;
        File.Delete(data);
        harness.Root.Reload(); // fails (the kubelet link is gone): the last good values stay, a retry is planned
        Assert.Equal("p0", harness.Root["password"]);
        Assert.False(harness.Provider.Completion.IsCompleted, "the planned retry needs the loop");

        File.CreateSymbolicLink(data, generation);
        volume.Write(("password", "p1"));
        await Eventually.HoldsAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return harness.Root["password"] == "p1";
            },
            "the retry reads the volume again");
    }

    [Fact]
    public void Links_inside_a_kubelet_generation_are_checked_like_links_of_a_plain_folder()
    {
        var outside = Path.GetTempFileName();
        File.WriteAllText(outside, "host file");
        using var volume = new KubeletVolume();
        try
        {
            volume.Write(("a", "1"), ("b", "2"));
            var generation = Path.Join(volume.Root, volume.Generation);
            File.CreateSymbolicLink(Path.Join(generation, "passwd"), outside);
            File.CreateSymbolicLink(Path.Join(generation, "alias"), "a");
            File.CreateSymbolicLink(Path.Join(generation, "gone"), "nowhere");
            using var harness = new VolumeHarness(volume.Root, v => v.ReloadOnChange = false);

            Assert.Equal(["a", "alias", "b"], harness.Snapshot().Keys.Order(StringComparer.Ordinal));
            Assert.Equal("1", harness.Root["alias"]);
            Assert.Contains(harness.Logs.Records, r => r.Id.Name == "KeyFailed" && r.Message.Contains("outside the mount", StringComparison.Ordinal) && r.Message.Contains("passwd", StringComparison.Ordinal));
            harness.Logs.AssertNoSentinel("host file");
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void A_file_link_in_a_subfolder_that_escapes_the_mount_is_refused_and_its_neighbours_load()
    {
        var outside = Path.GetTempFileName();
        File.WriteAllText(outside, "host file");
        using var folder = new TempFolder();
        try
        {
            folder.Write("sub/ok", "fine");
            File.CreateSymbolicLink(Path.Join(folder.Root, "sub", "passwd"), outside);
            File.CreateSymbolicLink(Path.Join(folder.Root, "sub", "alias"), Path.Join("..", "sub", "ok"));
            using var harness = new VolumeHarness(folder.Root, v => v.ReloadOnChange = false);

            Assert.Equal(["sub:alias", "sub:ok"], harness.Snapshot().Keys.Order(StringComparer.Ordinal));
            Assert.Equal("fine", harness.Root["sub:alias"]);
            Assert.Contains(harness.Logs.Records, r => r.Id.Name == "KeyFailed" && r.Message.Contains(Path.Join(folder.Root, "sub", "passwd"), StringComparison.Ordinal) && r.Message.Contains("outside the mount", StringComparison.Ordinal));
            harness.Logs.AssertNoSentinel("host file");
        }
        finally
        {
            File.Delete(outside);
        }
    }
}
