using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>Seeded chaos against Secrets read from the Kubernetes API (list + watch).</summary>
public sealed class ApiChaosTests(ITestOutputHelper output)
{
    [Fact]
    public Task Api_source_holds_every_invariant_under_seeded_chaos()
        => ChaosRunner.RunSeedsAsync(() => new ApiChaosTarget(), output);
}
