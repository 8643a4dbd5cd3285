using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>Seeded chaos against AWS Secrets Manager.</summary>
public sealed class AwsChaosTests(ITestOutputHelper output)
{
    [Fact]
    public Task Aws_source_holds_every_invariant_under_seeded_chaos()
        => ChaosRunner.RunSeedsAsync(() => new AwsChaosTarget(), output);
}
