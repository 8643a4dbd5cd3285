namespace K8sSecrets.Configuration.HealthChecks;

/// <summary>The thresholds of the secrets health check.</summary>
public sealed class KubernetesSecretsHealthCheckOptions
{
    /// <summary>The name the check is registered under unless another is given: <c>kubernetes-secrets</c>.</summary>
    public const string DefaultName = "kubernetes-secrets";

    /// <summary>Gets or sets the name of the check. Default <see cref="DefaultName"/>.</summary>
    public string Name { get; set; } = DefaultName;

    /// <summary>Gets the tags of the check, for filtering (for example <c>ready</c>).</summary>
    public IList<string> Tags { get; } = [];

    /// <summary>Gets or sets how many failed reads in a row make a source Degraded. Default 3.</summary>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>
    /// Gets or sets how long a failing source may go without a good read before it is Degraded, even
    /// below <see cref="FailureThreshold"/>. Default 10 minutes. A source that is not failing is never
    /// stale: a watched volume or API source is read only when something changes.
    /// </summary>
    public TimeSpan StalenessThreshold { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how close an expiry makes a source Degraded. Default 7 days.</summary>
    public TimeSpan ExpiryThreshold { get; set; } = TimeSpan.FromDays(7);
}
