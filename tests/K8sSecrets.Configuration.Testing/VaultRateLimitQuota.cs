using System.Globalization;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A Vault rate-limit quota (<c>vault write sys/quotas/rate-limit/global rate=R</c>, interval 1 s,
/// path empty: every request counts, logins included) for <see cref="FakeVault.RateLimitQuota"/>:
/// at most <see cref="Rate"/> requests in each interval, the rest answered
/// <c>429 {"errors":["request path \"p\": rate limit quota exceeded"]}</c>. Vault sends
/// <c>Retry-After</c> and the <c>X-Ratelimit-*</c> headers only when
/// <c>enable_rate_limit_response_headers</c> is set (off by default), hence <see cref="SendHeaders"/>.
/// </summary>
public sealed class VaultRateLimitQuota
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _interval;
    private readonly Lock _lock = new();
    private long _window = long.MinValue;
    private int _used;
    private long _rejected;

    /// <param name="rate">Requests allowed per interval.</param>
    /// <param name="clock">The fake's clock.</param>
    /// <param name="interval">The interval; Vault's default is 1 s.</param>
    public VaultRateLimitQuota(int rate, TimeProvider clock, TimeSpan? interval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        Rate = rate;
        _clock = clock;
        _interval = interval ?? TimeSpan.FromSeconds(1);
    }

    public int Rate { get; }

    /// <summary>Gets or sets a value indicating whether the 429 carries <c>Retry-After</c> and <c>X-Ratelimit-*</c> (Vault's <c>enable_rate_limit_response_headers</c>).</summary>
    public bool SendHeaders { get; set; }

    /// <summary>Gets how many requests were answered 429 so far.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Counts one request; returns the 429 to answer when it is over the quota, or null.</summary>
    public VaultFault? Admit(string path)
    {
        int retryAfter;
        lock (_lock)
        {
            var now = _clock.GetUtcNow().UtcTicks;
            var window = now / _interval.Ticks;
            if (window != _window)
            {
                _window = window;
                _used = 0;
            }

            if (++_used <= Rate)
            {
                return null;
            }

            retryAfter = Math.Max(1, (int)Math.Ceiling(TimeSpan.FromTicks(((window + 1) * _interval.Ticks) - now).TotalSeconds));
        }

        Interlocked.Increment(ref _rejected);
        var body = $$"""{"errors":["request path \"{{path}}\": rate limit quota exceeded"]}""";
        return new VaultFault(429, body, SendHeaders ? retryAfter : null)
        {
            Headers = SendHeaders
                ? new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["X-Ratelimit-Limit"] = Rate.ToString(CultureInfo.InvariantCulture),
                    ["X-Ratelimit-Remaining"] = "0",
                    ["X-Ratelimit-Reset"] = retryAfter.ToString(CultureInfo.InvariantCulture),
                }
                : null,
        };
    }
}
