using System.Net.Sockets;
using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Tests;

public sealed class VolumeBadInputTests
{
    [Fact]
    public void A_file_over_one_mebibyte_is_refused_by_name_and_the_other_keys_load()
    {
        using var volume = new KubeletVolume();
        volume.Write(new Dictionary<string, byte[]>
        {
            ["huge"] = new byte[SecretSnapshot.MaxValueBytes + 1],
            ["small"] = "ok"u8.ToArray(),
        });
        using var harness = new VolumeHarness(volume.Root);
        Assert.Null(harness.Root["huge"]);
        Assert.Equal("ok", harness.Root["small"]);
        var record = Assert.Single(harness.Logs.Records, r => r.Id.Name == "KeyFailed");
        Assert.Contains("huge", record.Message, StringComparison.Ordinal);
        Assert.Contains("1 MiB", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_becomes_oversized_keeps_its_last_good_value()
    {
        using var volume = new KubeletVolume();
        volume.Write(("cert", "good"), ("other", "1"));
        using var harness = new VolumeHarness(volume.Root);
        volume.Write(new Dictionary<string, byte[]>
        {
            ["cert"] = new byte[SecretSnapshot.MaxValueBytes + 10],
            ["other"] = "2"u8.ToArray(),
        });
        await Eventually.HoldsAsync(() => harness.Root["other"] == "2", "the good key rotates");
        Assert.Equal("good", harness.Root["cert"]);
    }

    [Fact]
    public void A_symlink_that_escapes_the_mount_is_refused_by_name()
    {
        var outside = Path.GetTempFileName();
        File.WriteAllText(outside, "host file");
        using var folder = new TempFolder();
        var root = folder.Root;
        try
        {
            File.CreateSymbolicLink(Path.Join(root, "passwd"), outside);
            Directory.CreateDirectory(Path.Join(root, "inside"));
            File.WriteAllText(Path.Join(root, "inside", "real"), "r");
            File.CreateSymbolicLink(Path.Join(root, "alias"), Path.Join(root, "inside", "real"));
            File.CreateSymbolicLink(Path.Join(root, "sneaky"), Path.Join(root, "inside", "..", "..", Path.GetFileName(outside)));
            using var harness = new VolumeHarness(root);

            Assert.Null(harness.Root["passwd"]);
            Assert.Null(harness.Root["sneaky"]);
            Assert.Equal("r", harness.Root["alias"]);
            Assert.Equal("r", harness.Root["inside:real"]);
            var refused = harness.Logs.Records.Where(r => r.Id.Name == "KeyFailed").Select(r => r.Message).ToList();
            Assert.Contains(refused, m => m.Contains(Path.Join(root, "passwd"), StringComparison.Ordinal) && m.Contains("outside the mount", StringComparison.Ordinal));
            Assert.Contains(refused, m => m.Contains(Path.Join(root, "sneaky"), StringComparison.Ordinal));
            harness.Logs.AssertNoSentinel("host file");
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void A_dangling_link_is_an_absent_key()
    {
        using var folder = new TempFolder();
        var root = folder.Root;
        File.CreateSymbolicLink(Path.Join(root, "gone"), Path.Join(root, "nowhere"));
        File.WriteAllText(Path.Join(root, "here"), "h");
        using var harness = new VolumeHarness(root);
        Assert.Null(harness.Root["gone"]);
        Assert.Equal("h", harness.Root["here"]);
    }

    [Fact]
    public void An_unreadable_file_does_not_stop_the_other_keys()
    {
        using var folder = new TempFolder();
        var root = folder.Root;
        File.WriteAllText(Path.Join(root, "fine"), "f");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Join(root, "socket")));
        using var harness = new VolumeHarness(root);
        Assert.Equal("f", harness.Root["fine"]);
        Assert.Null(harness.Root["socket"]);
        Assert.Contains(harness.Logs.Records, r => r.Id.Name == "KeyFailed" && r.Message.Contains(Path.Join(root, "socket"), StringComparison.Ordinal));
    }

    [Fact]
    public void Odd_key_names_map_predictably()
    {
        using var folder = new TempFolder();
        var root = folder.Root;
        File.WriteAllText(Path.Join(root, "with space"), "1");
        File.WriteAllText(Path.Join(root, "ünïcode"), "2");
        File.WriteAllText(Path.Join(root, "a:b"), "3");
        File.WriteAllText(Path.Join(root, "A__B"), "4");
        using var harness = new VolumeHarness(root);
        Assert.Equal("1", harness.Root["with space"]);
        Assert.Equal("2", harness.Root["ünïcode"]);
        Assert.Equal("3", harness.Root["a:b"]); // "A__B" and "a:b" collide; the name last in ordinal order ("a:b") wins
        Assert.Contains(harness.Logs.Records, r => r.Id.Name == "KeyCollision");
    }
}
