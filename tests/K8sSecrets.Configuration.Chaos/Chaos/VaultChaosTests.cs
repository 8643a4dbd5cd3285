using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>Seeded chaos against Vault KV v2 with Kubernetes auth.</summary>
public sealed class VaultChaosTests(ITestOutputHelper output)
{
    [Fact]
    public Task Vault_source_holds_every_invariant_under_seeded_chaos()
        => ChaosRunner.RunSeedsAsync(() => new VaultChaosTarget(), output);
}
