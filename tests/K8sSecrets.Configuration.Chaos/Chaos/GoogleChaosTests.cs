using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>Seeded chaos against Google Secret Manager with Workload Identity tokens.</summary>
public sealed class GoogleChaosTests(ITestOutputHelper output)
{
    [Fact]
    public Task Google_source_holds_every_invariant_under_seeded_chaos()
        => ChaosRunner.RunSeedsAsync(() => new GoogleChaosTarget(), output);
}
