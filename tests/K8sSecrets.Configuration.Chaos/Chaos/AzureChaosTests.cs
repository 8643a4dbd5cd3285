using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>Seeded chaos against Azure Key Vault.</summary>
public sealed class AzureChaosTests(ITestOutputHelper output)
{
    [Fact]
    public Task Azure_source_holds_every_invariant_under_seeded_chaos()
        => ChaosRunner.RunSeedsAsync(() => new AzureChaosTarget(), output);

    /// <summary>Seeds that once failed. 9: a second write in the second the value was read went unseen for ever (KeyVaultReader's racily clean stamp).</summary>
    [Theory]
    [InlineData(9)]
    public Task Seeds_that_once_failed_hold(int seed)
        => ChaosRunner.AssertSeedAsync(() => new AzureChaosTarget(), seed);
}
