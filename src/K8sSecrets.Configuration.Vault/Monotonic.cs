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
    /// <remarks>
    /// In integers: a timestamp does not fit a double exactly (one counted in DateTime ticks, about 6.4e17,
    /// has neighbours 128 apart), and a due time rounded by a double could be "not yet" to a comparison of
    /// timestamps but "0 s away" to <see cref="Until"/>, and the engine would read again at once, for ever.
    /// </remarks>
    public static long After(this TimeProvider time, long from, TimeSpan wait)
    {
        var due = from + ((Int128)wait.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond);
        return due >= long.MaxValue ? Never : due <= long.MinValue ? Now : (long)due;
    }

    /// <summary>
    /// Gets the time from <paramref name="now"/> until <paramref name="due"/>: zero when it has come, at most
    /// <paramref name="longest"/>, and rounded up to a whole tick, so that a due time still ahead is never zero away.
    /// </summary>
    public static TimeSpan Until(this TimeProvider time, long now, long due, TimeSpan longest)
    {
        if (due <= now)
        {
            return TimeSpan.Zero;
        }

        var frequency = time.TimestampFrequency;
        var ticks = ((((Int128)due - now) * TimeSpan.TicksPerSecond) + frequency - 1) / frequency;
        return ticks >= longest.Ticks ? longest : TimeSpan.FromTicks((long)ticks);
    }
}
