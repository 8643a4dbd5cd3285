using CsCheck;

namespace K8sSecrets.Configuration.Chaos.Tests.Properties;

/// <summary>
/// <see cref="SecretRetryPolicy"/>: every wait within its bounds, growing with failures before
/// jitter, never longer than a sooner poll, and a store's <c>Retry-After</c> honoured up to its cap.
/// A failure prints the CsCheck seed that replays it (<c>seed:</c> or the <c>CsCheck_Seed</c> variable).
/// </summary>
public sealed class BackoffProperties
{
    private static readonly TimeSpan OneDay = SecretRetryPolicy.LongestWait;

    /// <summary>Any wait the builder accepts (a tick to a day), spread evenly over the orders of magnitude.</summary>
    private static readonly Gen<TimeSpan> Wait = Gen.Double[0, Math.Log(OneDay.Ticks)]
        .Select(exponent => TimeSpan.FromTicks(Math.Clamp((long)Math.Exp(exponent), 1, OneDay.Ticks)));

    /// <summary>Policies as the builder allows them: positive waits of at most a day, the cap not below the first delay.</summary>
    private static readonly Gen<SecretRetryPolicy> Policy = Gen.Select(Wait, Wait, Wait)
        .Select((a, b, retryAfter) => new SecretRetryPolicy(a < b ? a : b, a < b ? b : a, retryAfter));

    private static readonly Gen<int> Failures = Gen.Frequency((8, Gen.Int[0, 40]), (1, Gen.Int[int.MinValue, int.MaxValue]), (1, Gen.Const(int.MaxValue)));

    private static readonly Gen<SecretSourceException?> Failure = Gen.Frequency(
        (2, Gen.Const((SecretSourceException?)null)),
        (2, Gen.Bool.Select(transient => (SecretSourceException?)new SecretSourceException("failed") { IsTransient = transient })),
        (3, Gen.Select(Gen.Bool, Gen.Long[-TimeSpan.TicksPerHour, OneDay.Ticks * 2])
            .Select((transient, ticks) => (SecretSourceException?)new SecretSourceException("throttled") { IsTransient = transient, RetryAfter = TimeSpan.FromTicks(ticks) })));

    [Theory]
    [InlineData(null)]
    [InlineData("fVG_NmYj4gr1")] // min 6 ticks, failure 1: the delay was 2 ticks, under half of 6 (milliseconds in doubles lost a tick)
    public void The_backoff_stays_between_half_the_first_delay_and_the_cap(string? seed)
        => Gen.Select(Policy, Failures, Gen.Double[0, 1]).Sample(
            (policy, failures, random) =>
            {
                var delay = policy.GetDelay(failures, Math.Min(random, 0.9999999));
                return delay >= HalfOf(policy.MinDelay) && delay <= policy.MaxDelay && delay <= OneDay;
            },
            seed: seed,
            iter: 20_000,
            print: Print);

    [Fact]
    public void The_backoff_before_jitter_never_shrinks_as_failures_grow()
        => Gen.Select(Policy, Gen.Int[-3, 70], Gen.Double[0, 0.9999999]).Sample(
            (policy, failures, random) => policy.GetDelay(failures + 1, random) >= policy.GetDelay(failures, random),
            iter: 20_000);

    [Theory]
    [InlineData(null)]
    [InlineData("8z_PsWNBiA-1")] // min 20 ticks, max 85 min: the backoff stopped doubling at 2^30 and never reached the cap
    public void A_failure_that_retrying_cannot_fix_waits_the_cap_at_once(string? seed)
        => Gen.Select(Policy, Failures).Sample(
            (policy, failures) =>
            {
                var delay = policy.GetDelay(failures, new SecretSourceException("denied") { IsTransient = false });
                return delay >= HalfOf(policy.MaxDelay) && delay <= policy.MaxDelay;
            },
            seed: seed,
            iter: 5_000,
            print: t => $"min {t.Item1.MinDelay.Ticks} ticks, max {t.Item1.MaxDelay.Ticks} ticks, failures {t.Item2}");

    [Fact]
    public void A_retry_honours_Retry_After_up_to_its_cap_and_never_waits_past_a_day()
        => Gen.Select(Policy, Failures, Failure).Sample(
            (policy, failures, failure) =>
            {
                var delay = policy.GetDelay(failures, failure);
                var asked = failure?.RetryAfter is { } retryAfter ? policy.CapRetryAfter(retryAfter) : TimeSpan.Zero;
                return delay >= asked
                    && delay <= Max(asked, policy.MaxDelay)
                    && delay >= TimeSpan.Zero && delay <= OneDay;
            },
            iter: 20_000);

    [Theory]
    [InlineData(null)]
    [InlineData("5SnxIfwiTF72")] // a one-tick poll and an odd first delay: half of it is rounded, as TimeSpan division rounds
    public void A_retry_of_a_polling_source_is_never_later_than_a_sooner_poll_nor_sooner_than_Retry_After(string? seed)
        => Gen.Select(Policy, Failures, Failure, Gen.Frequency((3, Wait.Select(w => (TimeSpan?)w)), (1, Gen.Const((TimeSpan?)null)))).Sample(
            (policy, failures, failure, poll) =>
            {
                var delay = policy.GetDelay(failures, failure, poll);
                var asked = failure?.RetryAfter is { } retryAfter ? policy.CapRetryAfter(retryAfter) : TimeSpan.Zero;
                var floor = HalfOf(policy.MinDelay);
                var withoutRetryAfter = poll is { } p ? Max(p, policy.MinDelay / 2) : policy.MaxDelay;
                var longest = Max(asked, Min(withoutRetryAfter, policy.MaxDelay));
                return delay >= asked && delay >= floor && delay <= longest && delay <= OneDay;
            },
            seed: seed,
            iter: 20_000,
            print: t => $"min {t.Item1.MinDelay.Ticks} ticks, max {t.Item1.MaxDelay.Ticks} ticks, failures {t.Item2}, retry after {t.Item3?.RetryAfter?.Ticks}, poll {t.Item4?.Ticks}");

    /// <summary>The defect the property found, as a plain example: a first delay of microseconds and a cap of an hour.</summary>
    [Fact]
    public void A_failure_that_retrying_cannot_fix_waits_the_cap_even_when_the_first_delay_is_microseconds()
    {
        var policy = new SecretRetryPolicy(TimeSpan.FromTicks(20), TimeSpan.FromHours(1), TimeSpan.FromMinutes(10));

        Assert.InRange(policy.GetDelay(int.MaxValue, 0), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));
        Assert.InRange(policy.GetDelay(1, new SecretSourceException("denied") { IsTransient = false }), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromTicks(10), policy.GetDelay(1, 0));
    }

    [Fact]
    public void Retry_After_is_capped_and_never_negative()
        => Gen.Select(Policy, Gen.Long[long.MinValue / 2, long.MaxValue / 2]).Sample(
            (policy, ticks) =>
            {
                var capped = policy.CapRetryAfter(TimeSpan.FromTicks(ticks));
                return capped >= TimeSpan.Zero && capped <= policy.MaxRetryAfter && capped <= OneDay
                    && (ticks < 0 || ticks > policy.MaxRetryAfter.Ticks || capped.Ticks == ticks);
            },
            iter: 20_000);

    [Fact]
    public void A_jittered_poll_is_at_most_the_poll_and_at_least_nine_tenths_of_it()
        => Gen.Long[1, OneDay.Ticks * 3].Select(TimeSpan.FromTicks).Sample(
            poll =>
            {
                var jittered = SecretRetryPolicy.JitterPoll(poll);
                var bound = poll < OneDay ? poll : OneDay;
                return jittered <= bound && jittered >= bound * 0.9 - TimeSpan.FromTicks(1);
            },
            iter: 20_000);

    /// <summary>Half a wait, rounded down to whole ticks as the policy's arithmetic may round.</summary>
    private static TimeSpan HalfOf(TimeSpan wait) => TimeSpan.FromTicks(wait.Ticks / 2);

    private static string Print((SecretRetryPolicy Policy, int Failures, double Random) t)
        => $"min {t.Policy.MinDelay.Ticks} ticks, max {t.Policy.MaxDelay.Ticks} ticks, failures {t.Failures}, random {t.Random}";

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
