using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.HealthChecks;

/// <summary>
/// Reports on every <see cref="SecretsConfigurationProvider"/> of the app's configuration from the
/// engine's own state: no store request. Unhealthy when a required source never loaded or a
/// published value has expired; Degraded when a source fails, a key's last read failed, or a value
/// expires soon; Healthy otherwise.
/// The data holds one <see cref="SecretSourceHealth"/> per source (names, times, counts; never values).
/// </summary>
internal sealed class KubernetesSecretsHealthCheck : IHealthCheck
{
    private const string AllHealthy = "Every secret source is current and nothing it published expires soon.";
    private const string NoSources = "No secret source is configured.";

    private readonly IConfiguration _configuration;
    private readonly KubernetesSecretsHealthCheckOptions _options;
    private readonly Lock _lock = new();
    private (SecretsConfigurationProvider Provider, string Key)[] _providers = [];
    private int _seenProviders = -1;

    public KubernetesSecretsHealthCheck(IConfiguration configuration, KubernetesSecretsHealthCheckOptions options)
    {
        _configuration = configuration;
        _options = options;
    }

    public IConfiguration Configuration => _configuration;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(Check());

    internal HealthCheckResult Check()
    {
        var providers = FindProviders();
        if (providers.Length == 0)
        {
            return HealthCheckResult.Healthy(NoSources);
        }

        var data = new Dictionary<string, object>(providers.Length, StringComparer.Ordinal);
        var status = HealthStatus.Healthy;
        string? worst = null;
        foreach (var (provider, key) in providers)
        {
            var health = provider.GetHealth();
            data[key] = health;
            var (sourceStatus, why) = Judge(provider, health);
            if (sourceStatus < status)
            {
                status = sourceStatus;
                worst = $"{key} {why}";
            }
        }

        return new HealthCheckResult(status, worst ?? AllHealthy, exception: null, data);
    }

    private (HealthStatus Status, string? Why) Judge(SecretsConfigurationProvider provider, SecretSourceHealth health)
    {
        if (health.LastSuccess is null && !provider.IsOptional)
        {
            return (HealthStatus.Unhealthy, $"never loaded: {health.LastError ?? "no read yet"}");
        }

        var expiry = health.EarliestExpiry;
        var left = expiry is null ? TimeSpan.MaxValue : expiry.At - health.CheckedAt;
        if (left <= TimeSpan.Zero)
        {
            return (HealthStatus.Unhealthy, $"publishes '{expiry!.Name}', which expired at {expiry.At:u}");
        }

        var failures = health.ConsecutiveFailures;
        if (failures >= _options.FailureThreshold
            || (failures > 0 && (health.Staleness is not { } stale || stale >= _options.StalenessThreshold)))
        {
            return (HealthStatus.Degraded, $"is stale: {failures} failures in a row, last good read {Describe(health.Staleness)} ago: {health.LastError}");
        }

        if (health.FailingKeys is { Count: > 0 } failing)
        {
            return (HealthStatus.Degraded, $"keeps last good values of keys it cannot read: {Describe(failing)}");
        }

        if (left <= _options.ExpiryThreshold)
        {
            return (HealthStatus.Degraded, $"publishes '{expiry!.Name}', which expires at {expiry.At:u}");
        }

        return (HealthStatus.Healthy, null);
    }

    /// <summary>The longest failing keys, each with since when and why (never a value).</summary>
    private static string Describe(IReadOnlyList<SecretKeyFailure> failing)
    {
        const int Shown = 3;
        var shown = string.Join("; ", failing.Take(Shown).Select(static f => $"'{f.Key ?? f.Name}' has failed every read since {f.Since:u}: {f.Reason}"));
        return failing.Count > Shown ? $"{shown}; and {failing.Count - Shown} more keys" : shown;
    }

    private static string Describe(TimeSpan? staleness)
        => staleness is { } s ? $"{s.TotalSeconds:0} s" : "never";

    /// <summary>The providers, found again only when the configuration's provider list changes size.</summary>
    private (SecretsConfigurationProvider Provider, string Key)[] FindProviders()
    {
        if (_configuration is not IConfigurationRoot root)
        {
            return [];
        }

        var count = root.Providers is ICollection<IConfigurationProvider> collection ? collection.Count : -2;
        lock (_lock)
        {
            if (count != _seenProviders || count == -2)
            {
                var found = new List<SecretsConfigurationProvider>();
                Collect(root, found, depth: 0);
                var keys = new HashSet<string>(StringComparer.Ordinal);
                _providers = [.. found.Select(p => (p, UniqueKey(keys, $"{p.SourceKind} '{p.SourceName}'")))];
                _seenProviders = count;
            }

            return _providers;
        }
    }

    private static string UniqueKey(HashSet<string> keys, string key)
    {
        var unique = key;
        for (var i = 2; !keys.Add(unique); i++)
        {
            unique = $"{key} #{i}";
        }

        return unique;
    }

    private static void Collect(IConfigurationRoot root, List<SecretsConfigurationProvider> found, int depth)
    {
        foreach (var provider in root.Providers)
        {
            if (provider is SecretsConfigurationProvider secrets)
            {
                found.Add(secrets);
            }
            else if (provider is ChainedConfigurationProvider { Configuration: IConfigurationRoot inner } && depth < 8)
            {
                Collect(inner, found, depth + 1);
            }
        }
    }
}
