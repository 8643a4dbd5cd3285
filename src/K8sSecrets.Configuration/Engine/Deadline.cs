namespace K8sSecrets.Configuration;

/// <summary>A point on the monotonic clock: a start timestamp and a wait, so wall-clock steps never move it.</summary>
internal readonly record struct Deadline(long Start, TimeSpan Wait, bool IsSet)
{
    public static Deadline After(TimeProvider time, TimeSpan? wait)
        => wait is { } w ? new(time.GetTimestamp(), SecretRetryPolicy.Clamp(w), true) : default;

    /// <summary>The time left (zero or negative when passed), or <see langword="null"/> when none is set.</summary>
    public TimeSpan? Remaining(TimeProvider time) => IsSet ? Wait - time.GetElapsedTime(Start) : null;
}
