namespace K8sSecrets.Configuration;

/// <summary>Exponential backoff with jitter: the n-th retry waits between half and all of min·2^(n-1), capped.</summary>
internal static class RetryBackoff
{
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max, double random)
    {
        var exponent = Math.Min(Math.Max(failures - 1, 0), 30);
        var ceiling = Math.Min(min.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (random / 2)));
    }
}
