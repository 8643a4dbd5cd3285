namespace K8sSecrets.Configuration;

/// <summary>
/// The one retry rule of the library, shared by the engine and by every source's own retries (a
/// watch, one failing path): exponential backoff with jitter between <see cref="MinDelay"/> and
/// <see cref="MaxDelay"/>; a store's <c>Retry-After</c> honoured up to <see cref="MaxRetryAfter"/>;
/// a failure that retrying cannot fix (<see cref="SecretSourceException.IsTransient"/> false) retried
/// at <see cref="MaxDelay"/> at once; a source that polls retried at its poll when that is sooner;
/// and no wait ever longer than <see cref="LongestWait"/>.
/// </summary>
public sealed class SecretRetryPolicy
{
    /// <summary>The longest any wait of the library may be (a poll, a retry, a <c>Retry-After</c>): one day.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    internal SecretRetryPolicy(TimeSpan minDelay, TimeSpan maxDelay, TimeSpan maxRetryAfter)
    {
        MinDelay = minDelay;
        MaxDelay = maxDelay;
        MaxRetryAfter = maxRetryAfter;
    }

    /// <summary>Gets the first retry's delay ceiling; it doubles per failure.</summary>
    public TimeSpan MinDelay { get; }

    /// <summary>Gets the cap of the backoff.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>Gets the longest <c>Retry-After</c> honoured; a store asking for more is read again after this.</summary>
    public TimeSpan MaxRetryAfter { get; }

    /// <summary>
    /// Gets the wait before the next attempt after <paramref name="failures"/> failures in a row:
    /// between half and all of <c>MinDelay·2^(failures-1)</c>, capped at <see cref="MaxDelay"/>.
    /// </summary>
    /// <param name="failures">Failed attempts in a row (1 for the first retry).</param>
    /// <returns>The delay.</returns>
    public TimeSpan GetDelay(int failures) => GetDelay(failures, Random.Shared.NextDouble());

    /// <summary>
    /// Gets the wait before the next attempt after a failure: the backoff of
    /// <see cref="GetDelay(int)"/> (at <see cref="MaxDelay"/> at once when the failure is not
    /// transient), and never less than the store's <c>Retry-After</c>, itself capped at
    /// <see cref="MaxRetryAfter"/>.
    /// </summary>
    /// <param name="failures">Failed attempts in a row (1 for the first retry).</param>
    /// <param name="failure">The last failure, or <see langword="null"/> if it was not a <see cref="SecretSourceException"/>.</param>
    /// <returns>The delay.</returns>
    public TimeSpan GetDelay(int failures, SecretSourceException? failure)
    {
        var delay = GetDelay(failure is { IsTransient: false } ? int.MaxValue : failures);
        return failure?.RetryAfter is { } asked ? Max(delay, CapRetryAfter(asked)) : delay;
    }

    /// <summary>
    /// Gets the wait before retrying a failed read of a source that polls: the delay of
    /// <see cref="GetDelay(int, SecretSourceException)"/>, or the poll interval when that is sooner
    /// (the source would have been read then anyway), but never below half of <see cref="MinDelay"/>
    /// and never shorter than the store's <c>Retry-After</c>, capped at <see cref="MaxRetryAfter"/>.
    /// So a source refused at start (a 403 before access is granted) is read again within about one
    /// poll, however long the backoff.
    /// </summary>
    /// <param name="failures">Failed attempts in a row (1 for the first retry).</param>
    /// <param name="failure">The last failure, or <see langword="null"/> if it was not a <see cref="SecretSourceException"/>.</param>
    /// <param name="pollInterval">The wait until the source's next poll, or <see langword="null"/> when it does not poll.</param>
    /// <returns>The delay.</returns>
    public TimeSpan GetDelay(int failures, SecretSourceException? failure, TimeSpan? pollInterval)
    {
        var backoff = GetDelay(failure is { IsTransient: false } ? int.MaxValue : failures);
        var next = pollInterval is { } poll && poll < backoff ? Max(poll, MinDelay / 2) : backoff;
        return Clamp(failure?.RetryAfter is { } asked ? Max(next, CapRetryAfter(asked)) : next);
    }

    /// <summary>Caps a store's <c>Retry-After</c> at <see cref="MaxRetryAfter"/>.</summary>
    /// <param name="retryAfter">What the store asked for.</param>
    /// <returns>The wait honoured.</returns>
    public TimeSpan CapRetryAfter(TimeSpan retryAfter) => Clamp(retryAfter < MaxRetryAfter ? retryAfter : MaxRetryAfter);

    /// <summary>
    /// The one poll rule of the library's stores: the interval shortened at random by up to 10%, so
    /// that many pods started together do not poll in step.
    /// </summary>
    /// <param name="pollInterval">The configured poll interval.</param>
    /// <returns>The wait before the next poll, at most <see cref="LongestWait"/>.</returns>
    public static TimeSpan JitterPoll(TimeSpan pollInterval) => Clamp(pollInterval * (1 - (0.1 * Random.Shared.NextDouble())));

    /// <summary>
    /// The first poll after a source's first load: anywhere from a tenth to the whole of the interval, so that
    /// pods started together (a rollout loads them all within seconds) spread their polls over the interval at
    /// once instead of polling in a band for ever after; later polls use <see cref="JitterPoll"/>, which keeps
    /// them spread.
    /// </summary>
    /// <param name="pollInterval">The configured poll interval.</param>
    /// <returns>The wait before the first poll, at most <see cref="LongestWait"/>.</returns>
    public static TimeSpan JitterFirstPoll(TimeSpan pollInterval) => Clamp(pollInterval * (0.1 + (0.9 * (1 - Random.Shared.NextDouble()))));

    /// <summary>
    /// How many doublings of <see cref="MinDelay"/> a throttled first load's backoff grows through when the store
    /// names no <c>Retry-After</c>: 1, 2, 4, then 8 × <see cref="MinDelay"/> (jittered down by up to half).
    /// </summary>
    internal const int StartupThrottleSteps = 4;

    /// <summary>
    /// The wait before a throttled first load is read again. A store that names its <c>Retry-After</c> is asked
    /// again then, plus up to <see cref="MinDelay"/> at random so that the pods it gave the same answer do not
    /// come back in the same instant; one that names none (AWS, Google) after the backoff, whose growth stops at
    /// <see cref="StartupThrottleSteps"/>. The long waits of the ordinary backoff would leave the quota idle while
    /// pods sleep, stretching a rollout well past the time the quota allows. A <c>Retry-After</c> of zero names no wait.
    /// </summary>
    internal TimeSpan GetStartupDelay(int failures, SecretSourceException failure) => GetStartupDelay(failures, failure, Random.Shared.NextDouble());

    /// <remarks>A <c>Retry-After</c> of zero (or a date already past) names no wait: the backoff applies, or a store
    /// answering every request so would be asked again every half <see cref="MinDelay"/> for the whole budget.</remarks>
    internal TimeSpan GetStartupDelay(int failures, SecretSourceException failure, double random)
        => failure.RetryAfter is { } asked && asked > TimeSpan.Zero
            ? Clamp(CapRetryAfter(asked) + (MinDelay * random))
            : GetDelay(Math.Min(failures, StartupThrottleSteps), random);

    /// <summary>
    /// The backoff in whole ticks: the doubling goes on until the cap is reached however small
    /// <see cref="MinDelay"/> is (2^62 ticks is past any cap of a day), and the jittered delay is rounded
    /// up, so it is never under half the ceiling.
    /// </summary>
    internal TimeSpan GetDelay(int failures, double random)
    {
        var exponent = Math.Clamp(failures - 1, 0, 62);
        var ceiling = Math.Min(MinDelay.Ticks * Math.Pow(2, exponent), MaxDelay.Ticks);
        return Clamp(TimeSpan.FromTicks((long)Math.Ceiling(ceiling * (0.5 + (random / 2)))));
    }

    /// <summary>Brings any wait into [0, <see cref="LongestWait"/>].</summary>
    internal static TimeSpan Clamp(TimeSpan wait)
        => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestWait ? LongestWait : wait;

    /// <summary>Refuses a setting that is not positive or is longer than <see cref="LongestWait"/>.</summary>
    internal static void CheckWait(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > LongestWait)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and at most {LongestWait.TotalHours:0} hours.");
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
