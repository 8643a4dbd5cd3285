namespace K8sSecrets.Configuration.Vault;

/// <summary>
/// Schedules on <see cref="TimeProvider.GetTimestamp"/>, which only moves forward: a wall-clock
/// step (an NTP correction, a VM resumed) neither skips nor repeats a renewal.
/// </summary>
internal static class Monotonic
{
    /// <summary>A due time that never comes.</summary>
    public const long Never = long.MaxValue;

    /// <summary>A due time that has always come.</summary>
    public const long Now = long.MinValue;

    /// <summary>Gets the timestamp <paramref name="wait"/> after <paramref name="from"/>, or <see cref="Never"/> when it is out of range.</summary>
    public static long After(this TimeProvider time, long from, TimeSpan wait)
    {
        var due = from + (wait.TotalSeconds * time.TimestampFrequency);
        return due >= long.MaxValue ? Never : (long)due;
    }

    /// <summary>Gets the time from <paramref name="now"/> until <paramref name="due"/>: zero when it has come, at most <paramref name="longest"/>.</summary>
    public static TimeSpan Until(this TimeProvider time, long now, long due, TimeSpan longest)
    {
        if (due <= now)
        {
            return TimeSpan.Zero;
        }

        var seconds = ((double)due - now) / time.TimestampFrequency;
        return seconds >= longest.TotalSeconds ? longest : TimeSpan.FromSeconds(seconds);
    }
}
