namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>How long an informer waits before its next list or watch.</summary>
internal static class WatchBackoff
{
    /// <summary>
    /// After <paramref name="failures"/> failed (or suspiciously short) attempts in a row: the
    /// builder's retry policy. After a watch that was cut off or ended early: at least a random wait
    /// up to the reconnect spread, so that pods cut off together spread their reconnects. A watch the
    /// server ended at its timeout, with no failure: no wait. A Retry-After is honoured, capped by the policy.
    /// </summary>
    public static TimeSpan Delay(int failures, bool dropped, ApiFailure? failure, SecretRetryPolicy retry, TimeSpan reconnectSpread)
    {
        var backoff = failures > 0 ? retry.GetDelay(failures) : TimeSpan.Zero;
        var spread = dropped ? TimeSpan.FromMilliseconds(reconnectSpread.TotalMilliseconds * Random.Shared.NextDouble()) : TimeSpan.Zero;
        var delay = backoff > spread ? backoff : spread;
        if (failure?.RetryAfter is { } asked && retry.CapRetryAfter(asked) is var honoured && honoured > delay)
        {
            delay = honoured;
        }

        return delay;
    }
}
