using Azure.Core;
using Azure.Core.Pipeline;

namespace K8sSecrets.Configuration.Azure;

/// <summary>
/// The SDK's retry policy, except that throttled answers (429, and 503 with a <c>Retry-After</c>) are
/// not retried inside the client: they reach the source, which waits out the whole <c>Retry-After</c>
/// on its own schedule instead of holding a request open or retrying on the SDK's.
/// </summary>
internal sealed class ThrottleAwareRetryPolicy(RetryOptions retry)
    : RetryPolicy(retry.MaxRetries, DelayStrategy.CreateExponentialDelayStrategy(retry.Delay, retry.MaxDelay))
{
    protected override bool ShouldRetry(HttpMessage message, Exception? exception)
        => !IsThrottled(message) && base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception)
        => IsThrottled(message) ? ValueTask.FromResult(false) : base.ShouldRetryAsync(message, exception);

    private static bool IsThrottled(HttpMessage message)
        => message.HasResponse
            && (message.Response.Status == 429
                || (message.Response.Status == 503 && message.Response.Headers.TryGetValue("Retry-After", out _)));
}
