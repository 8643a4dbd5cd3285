using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>Seeded chaos against Vault KV v2 with Kubernetes auth.</summary>
public sealed class VaultChaosTests(ITestOutputHelper output)
{
    [Fact]
    public Task Vault_source_holds_every_invariant_under_seeded_chaos()
        => ChaosRunner.RunSeedsAsync(() => new VaultChaosTarget(), output);

    /// <summary>
    /// Seeds that once failed. 6 and 245 (long mode, a loaded machine): the harness saw no timer armed while
    /// the refresh loop, starved of CPU, had not yet re-armed its wait after a token renewal; it now waits
    /// 500 ms of real time before calling a system with nothing armed stuck. 644: a path due 16 ticks ahead
    /// was 0 s away to the engine (Monotonic computed timestamps in doubles), which read again at once, for ever.
    /// </summary>
    [Theory]
    [InlineData(6)]
    [InlineData(245)]
    [InlineData(644)]
    public Task Seeds_that_once_failed_hold(int seed)
        => ChaosRunner.AssertSeedAsync(() => new VaultChaosTarget(), seed);
}
