using System.Globalization;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// How many seeds run: a few in CI (short), 1,000 per source with <c>K8SSECRETS_CHAOS=long</c>.
/// <c>K8SSECRETS_CHAOS_SEEDS=n</c> sets the count, <c>K8SSECRETS_CHAOS_SEED=n</c> replays one seed.
/// </summary>
internal static class ChaosMode
{
    /// <summary>Seeds per source in CI: about a minute for the whole project on 2 cores.</summary>
    public const int ShortSeeds = 20;

    public const int LongSeeds = 1_000;

    public static bool IsLong => string.Equals(Environment.GetEnvironmentVariable("K8SSECRETS_CHAOS"), "long", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the seeds to run: 1..count, or the one seed to replay.</summary>
    public static IReadOnlyList<int> Seeds()
    {
        if (Read("K8SSECRETS_CHAOS_SEED") is { } one)
        {
            return [one];
        }

        var count = Read("K8SSECRETS_CHAOS_SEEDS") ?? (IsLong ? LongSeeds : ShortSeeds);
        return [.. Enumerable.Range(1, count)];
    }

    private static int? Read(string name)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
