namespace K8sSecrets.Configuration;

/// <summary>How long an informer waits before its next list or watch.</summary>
internal static class WatchBackoff
{
    /// <summary>
    /// After <paramref name="failures"/> failed (or suspiciously short) attempts in a row: the
    /// minimum delay doubled per attempt, capped, and jittered down by up to half. After a dropped
    /// connection with no failure: a random wait up to the minimum delay, so that pods cut off
    /// together spread their reconnects. Otherwise (a watch the server ended): no wait.
    /// </summary>
    /// <param name="failures">Failed attempts in a row.</param>
    /// <param name="dropped">Whether the last watch was cut mid-stream.</param>
    /// <param name="options">The minimum and maximum delays.</param>
    /// <param name="random">A random number in [0, 1).</param>
    public static TimeSpan Delay(int failures, bool dropped, ApiSecretOptions options, double random)
    {
        if (failures > 0)
        {
            var doublings = Math.Min(failures - 1, 30);
            var ceiling = Math.Min(options.MaxRetryDelay.TotalMilliseconds, options.MinRetryDelay.TotalMilliseconds * Math.Pow(2, doublings));
            return TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * random)));
        }

        return dropped ? TimeSpan.FromMilliseconds(options.MinRetryDelay.TotalMilliseconds * random) : TimeSpan.Zero;
    }
}
