namespace K8sSecrets.Configuration;

/// <summary>How long an informer waits before its next list or watch.</summary>
internal static class WatchBackoff
{
    /// <summary>
    /// After <paramref name="failures"/> failed (or suspiciously short) attempts in a row: the
    /// minimum delay doubled per attempt, capped, and jittered down by up to half. After a watch
    /// that was cut off or ended early: at least a random wait up to the reconnect spread, so that
    /// pods cut off together spread their reconnects. A watch the server ended at its timeout,
    /// with no failure: no wait.
    /// </summary>
    /// <param name="failures">Failed attempts in a row.</param>
    /// <param name="dropped">Whether the last watch was cut off or ended before its timeout.</param>
    /// <param name="options">The minimum and maximum delays.</param>
    /// <param name="random">A random number in [0, 1).</param>
    public static TimeSpan Delay(int failures, bool dropped, ApiSecretOptions options, double random)
    {
        var backoff = failures > 0 ? RetryBackoff.Delay(failures, options.MinRetryDelay, options.MaxRetryDelay, random) : TimeSpan.Zero;
        var spread = dropped ? TimeSpan.FromMilliseconds(options.ReconnectSpread.TotalMilliseconds * random) : TimeSpan.Zero;
        return backoff > spread ? backoff : spread;
    }
}
