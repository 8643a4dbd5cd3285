using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>Seeded chaos against a mounted Secret volume, as the kubelet writes it and as a plain folder.</summary>
public sealed class VolumeChaosTests(ITestOutputHelper output)
{
    [Fact]
    public Task Kubelet_volume_holds_every_invariant_under_seeded_chaos()
        => ChaosRunner.RunSeedsAsync(() => new VolumeChaosTarget(kubelet: true), output);

    [Fact]
    public Task Plain_folder_holds_every_invariant_under_seeded_chaos()
        => ChaosRunner.RunSeedsAsync(() => new VolumeChaosTarget(kubelet: false), output);
}
