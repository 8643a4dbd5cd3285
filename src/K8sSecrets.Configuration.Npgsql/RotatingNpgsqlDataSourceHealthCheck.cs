using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.Npgsql;

/// <summary>Reports a data source's credentials from its state, without a request to the server.</summary>
internal sealed class RotatingNpgsqlDataSourceHealthCheck(RotatingNpgsqlDataSource dataSource) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = dataSource.Health;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["user"] = health.User,
            ["pool"] = health.Pool,
            ["poolsCreated"] = health.PoolsCreated,
            ["poolsDisposed"] = health.PoolsDisposed,
        };
        if (health.IsHealthy)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"'{health.Name}' uses the configured credentials (user '{health.User}').", data));
        }

        data["rejectedUser"] = health.RejectedUser ?? string.Empty;
        data["consecutiveFailures"] = health.ConsecutiveFailures;
        return Task.FromResult(new HealthCheckResult(
            context.Registration.FailureStatus,
            $"'{health.Name}' keeps the last working credentials (user '{health.User}'): the configured ones are refused, {health.LastError}",
            data: data));
    }
}
