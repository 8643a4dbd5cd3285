using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>Seeded chaos against Secrets read from the Kubernetes API (list + watch).</summary>
public sealed class ApiChaosTests(ITestOutputHelper output)
{
    [Fact]
    public Task Api_source_holds_every_invariant_under_seeded_chaos()
        => ChaosRunner.RunSeedsAsync(() => new ApiChaosTarget(), output);

    /// <summary>
    /// Seeds that once failed. 41 and 80: after watch faults a list got no answer and the system never
    /// settled; the client's timeout (HttpClientTimeout) now bounds it, as in production.
    /// </summary>
    [Theory]
    [InlineData(41)]
    [InlineData(80)]
    public Task Seeds_that_once_failed_hold(int seed)
        => ChaosRunner.AssertSeedAsync(() => new ApiChaosTarget(), seed);
}
