using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Tests;

/// <summary>
/// Pins what held up in the review: building and disposing leaves no descriptor, inotify instance
/// or thread behind. Counts the whole process, so it runs alone.
/// </summary>
[Collection(nameof(VolumeResourceTests))]
[CollectionDefinition(nameof(VolumeResourceTests), DisableParallelization = true)]
public sealed class VolumeResourceTests
{
    [Fact]
    public async Task Fifty_build_and_dispose_cycles_leave_no_descriptor_or_thread_behind()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "p"));
        using var plain = new TempFolder();
        plain.Write("key", "k");

        Cycle(5); // warm up the thread pool and the lazily created runtime handles
        await Task.Delay(100);
        var (fds, inotify, threads) = Counts();
        Cycle(50);
        await Eventually.HoldsAsync(
            () =>
            {
                var now = Counts();
                return now.Inotify <= inotify && now.Fds <= fds + 5 && now.Threads <= threads + 5;
            },
            $"descriptors and threads return to their level (was {fds} fds, {inotify} inotify, {threads} threads; now {Counts()})");

        void Cycle(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var root = (ConfigurationRoot)new ConfigurationBuilder().AddKubernetesSecrets(s =>
                {
                    s.FromVolume(volume.Root);
                    s.FromVolume(plain.Root);
                }).Build();
                Assert.Equal("p", root["password"]);
            }
        }

        static (int Fds, int Inotify, int Threads) Counts()
        {
            var links = Directory.GetFiles("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget).ToList();
            return (links.Count, links.Count(l => l is not null && l.Contains("inotify", StringComparison.Ordinal)), Directory.GetDirectories("/proc/self/task").Length);
        }
    }
}
