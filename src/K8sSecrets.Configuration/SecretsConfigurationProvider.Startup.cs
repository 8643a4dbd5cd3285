using System.Globalization;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    /// <summary>
    /// The first load. A required source whose store throttles it (<see cref="SecretSourceException.IsThrottled"/>,
    /// or a transient failure with a <c>Retry-After</c>) is read again within <see cref="RefreshSettings.StartupTimeout"/>,
    /// each wait the store's <c>Retry-After</c> plus a little jitter, or without one a backoff held at 8 × the first
    /// retry delay (<see cref="SecretRetryPolicy.GetStartupDelay(int, SecretSourceException)"/>), so that a rollout
    /// meeting the store's quota waits instead of failing its pods, and comes back as soon as the quota allows. Any other failure, an optional source, or a
    /// budget of zero returns at once, as before. Time goes through the builder's <see cref="TimeProvider"/>.
    /// </summary>
    /// <returns>The failure that ends the load, or <see langword="null"/> when it succeeded.</returns>
    private Exception? LoadWithinStartupBudget()
    {
        var failure = RefreshCoreAsync(SecretLoadReason.Initial, _stopping.Token).GetAwaiter().GetResult();
        var budget = _settings.StartupTimeout;
        if (Source.Options.Optional || budget <= TimeSpan.Zero)
        {
            return failure;
        }

        var started = _time.GetTimestamp();
        for (var attempt = 1; failure is SecretSourceException throttled && IsThrottle(throttled); attempt++)
        {
            var left = budget - _time.GetElapsedTime(started);
            var asked = throttled.RetryAfter is { } retryAfter ? _settings.Retry.CapRetryAfter(retryAfter) : TimeSpan.Zero;
            if (left <= TimeSpan.Zero || asked > left)
            {
                return ThrottledThroughout(throttled, attempt, budget, asked > left ? (asked, left) : null);
            }

            var wait = _settings.Retry.GetStartupDelay(attempt, throttled);
            wait = wait < left ? wait : left;
            Log.StartupThrottled(_logger, Source.Kind, Source.Name, Seconds(wait), Seconds(left));
            try
            {
                Task.Delay(wait, _time, _stopping.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Disposed while starting: the last failure is the answer.
                return failure;
            }

            failure = RefreshCoreAsync(SecretLoadReason.Initial, _stopping.Token).GetAwaiter().GetResult();
        }

        return failure;
    }

    /// <summary>A store's "slow down": a throttle, or a transient failure that says when to come back.</summary>
    private static bool IsThrottle(SecretSourceException failure) => failure.IsTransient && (failure.IsThrottled || failure.RetryAfter is not null);

    private SecretSourceException ThrottledThroughout(SecretSourceException last, int attempts, TimeSpan budget, (TimeSpan Asked, TimeSpan Left)? tooLong)
    {
        var why = tooLong is var (asked, left)
            ? $"it asked to wait {Seconds(asked)} s, more than the {Seconds(left)} s left of the start-up budget of {Seconds(budget)} s (after {attempts} attempt(s))"
            : $"it was throttled for the whole start-up budget of {Seconds(budget)} s ({attempts} attempts)";
        return new SecretSourceException(
            $"{Source} could not be loaded: {why}. Last answer: {last.Message} Raise KubernetesSecretsBuilder.StartupTimeout, start fewer pods at once, or ask the store for more quota.",
            last)
        {
            IsTransient = true,
            IsThrottled = true,
            RetryAfter = last.RetryAfter,
        };
    }

    private static string Seconds(TimeSpan wait) => wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Warning, "{Kind} '{Name}' is throttled by its store at start-up; reading it again in {Seconds} s ({Left} s left of the start-up budget).", EventName = "StartupThrottled")]
        public static partial void StartupThrottled(ILogger logger, string kind, string name, string seconds, string left);
    }
}
