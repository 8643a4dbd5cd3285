namespace K8sSecrets.Configuration;

/// <summary>
/// Exponential backoff with jitter: the n-th retry waits between half and all of min·2^(n-1),
/// capped at max. Shared as source by every package, so one formula governs every retry.
/// </summary>
internal static class RetryBackoff
{
    /// <param name="failures">Failed attempts in a row (1 for the first retry).</param>
    /// <param name="min">The first delay's ceiling.</param>
    /// <param name="max">The cap.</param>
    /// <param name="random">A random number in [0, 1).</param>
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max, double random)
    {
        var exponent = Math.Min(Math.Max(failures - 1, 0), 30);
        var ceiling = Math.Min(min.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (random / 2)));
    }
}
