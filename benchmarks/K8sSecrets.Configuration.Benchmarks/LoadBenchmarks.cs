using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>
/// Cold load of a kubelet-layout Secret volume (keys Key0000..., 64-byte values, page cache warm):
/// our volume source against AddKeyPerFile, in the same run, as keyperfile-measured.md §2 did.
/// </summary>
[MemoryDiagnoser]
public class LoadBenchmarks
{
    private KubeletVolume _volume = null!;
    private IConfigurationRoot _ours = null!;
    private IConfigurationRoot _keyPerFile = null!;

    [Params(10, 100, 1000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _volume = new KubeletVolume();
        var value = new string('v', 64);
        _volume.Write(Enumerable.Range(0, Keys).ToDictionary(
            i => "Key" + i.ToString("D4", CultureInfo.InvariantCulture),
            _ => Encoding.UTF8.GetBytes(value)));
        _ours = new ConfigurationBuilder().AddKubernetesSecrets(_volume.Root, optional: false, reloadOnChange: false).Build();
        _keyPerFile = new ConfigurationBuilder().AddKeyPerFile(_volume.Root, optional: false, reloadOnChange: false).Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ((IDisposable)_ours).Dispose();
        _volume.Dispose();
    }

    [Benchmark(Baseline = true)]
    public IConfigurationRoot KeyPerFile_Build()
        => new ConfigurationBuilder().AddKeyPerFile(_volume.Root, optional: false, reloadOnChange: false).Build();

    [Benchmark]
    public int K8sSecrets_Build()
    {
        var root = new ConfigurationBuilder().AddKubernetesSecrets(_volume.Root, optional: false, reloadOnChange: false).Build();
        var count = root.Providers.Count();
        ((IDisposable)root).Dispose();
        return count;
    }

    [Benchmark]
    public string? KeyPerFile_Lookup() => _keyPerFile["Key0005"];

    [Benchmark]
    public string? K8sSecrets_Lookup() => _ours["Key0005"];
}
