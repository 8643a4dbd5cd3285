using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// The harness against a source with one deliberate defect each: every kind of violation must be
/// caught (and the defect-free control must pass), or "0 violations" from the real sources proves nothing.
/// </summary>
public sealed class HarnessSelfTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_sound_source_passes()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var result = await ChaosRunner.RunSeedAsync(() => new MemoryChaosTarget(MemoryChaosTarget.Mutation.None), seed);
            Assert.True(result.Passed, result.Report());
        }
    }

    [Theory]
    [InlineData(MemoryChaosTarget.Mutation.StaleKey, "(a)")]
    [InlineData(MemoryChaosTarget.Mutation.DropsKey, "(b)")]
    [InlineData(MemoryChaosTarget.Mutation.StuckAfterFailure, "(c)")]
    [InlineData(MemoryChaosTarget.Mutation.LogsValue, "(e)")]
    internal async Task Each_kind_of_defect_is_caught_and_named(MemoryChaosTarget.Mutation mutation, string invariant)
    {
        ChaosResult? caught = null;
        for (var seed = 1; seed <= 20 && caught is null; seed++)
        {
            var result = await ChaosRunner.RunSeedAsync(() => new MemoryChaosTarget(mutation), seed);
            caught = result.Passed ? null : result;
        }

        Assert.NotNull(caught);
        output.WriteLine(caught.Report());
        Assert.StartsWith($"seed={caught.Seed} source=memory-{mutation}", caught.Report(), StringComparison.Ordinal);
        Assert.Contains(caught.Violations, v => v.Contains(invariant, StringComparison.Ordinal));
    }
}
