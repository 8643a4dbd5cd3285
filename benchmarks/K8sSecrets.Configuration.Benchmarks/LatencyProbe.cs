using System.Diagnostics;
using System.Text;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>
/// Measures what BenchmarkDotNet cannot: the time from the kubelet's ..data rename to the reload
/// token firing (watcher and polling), and what an idle provider allocates and does.
/// </summary>
internal static class LatencyProbe
{
    public static async Task<int> RunAsync(int rotations)
    {
        await MeasureAsync("file watcher", rotations, v => { });
        await MeasureAsync("polling, 500 ms interval", Math.Max(5, rotations / 3), v => { v.UseFileWatcher = false; v.PollInterval = TimeSpan.FromMilliseconds(500); });
        await MeasureIdleAsync();
        return 0;
    }

    private static async Task MeasureAsync(string mode, int rotations, Action<VolumeSecretOptions> configure)
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "v0"), ("username", "u"));
        var root = new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromVolume(volume.Root, configure)).Build();
        var fired = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reloads = 0;
        using var registration = ChangeToken.OnChange(root.GetReloadToken, () =>
        {
            Interlocked.Increment(ref reloads);
            fired.TrySetResult(Stopwatch.GetTimestamp());
        });
        var samples = new List<double>();
        for (var i = 1; i <= rotations; i++)
        {
            fired = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var swapped = 0L;
            await volume.WriteAsync(
                new Dictionary<string, byte[]> { ["password"] = Encoding.UTF8.GetBytes("v" + i), ["username"] = "u"u8.ToArray() },
                step =>
                {
                    if (step == KubeletStep.SwapData)
                    {
                        swapped = Stopwatch.GetTimestamp();
                    }

                    return Task.CompletedTask;
                });
            samples.Add(Stopwatch.GetElapsedTime(swapped, await fired.Task.WaitAsync(TimeSpan.FromSeconds(10))).TotalMilliseconds);

            // A random pause, so that rotations land anywhere in a polling interval.
            await Task.Delay(TimeSpan.FromMilliseconds(50 + Random.Shared.Next(500)), TimeProvider.System);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        samples.Sort();
        Console.WriteLine(
            $"{mode}: {rotations} rotations, {reloads} reloads; ..data rename -> reload token: median {samples[samples.Count / 2]:F2} ms, " +
            $"p90 {samples[(int)(samples.Count * 0.9)]:F2} ms, min {samples[0]:F2} ms, max {samples[^1]:F2} ms");
        ((IDisposable)root).Dispose();
    }

    private static async Task MeasureIdleAsync()
    {
        var (baselineBytes, baselineCpu) = await IdleWindowAsync();
        using var volume = new KubeletVolume();
        volume.Write(("password", "v0"));
        var root = new ConfigurationBuilder().AddKubernetesSecrets(volume.Root).Build();
        await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System);
        var (bytes, cpu) = await IdleWindowAsync();
        Console.WriteLine(
            $"idle 5 s, file watcher on: {bytes} bytes allocated, {cpu:F0} ms CPU by the whole process; " +
            $"the same window with no provider: {baselineBytes} bytes, {baselineCpu:F0} ms CPU");
        ((IDisposable)root).Dispose();
    }

    private static async Task<(long Bytes, double CpuMs)> IdleWindowAsync()
    {
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        process.Refresh();
        return (allocated, (process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
    }
}
