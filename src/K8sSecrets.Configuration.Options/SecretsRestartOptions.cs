namespace K8sSecrets.Configuration;

/// <summary>
/// When the application stops itself after secrets declared with <c>RestartWhenChanged</c>
/// change: at a random moment between <see cref="MinDelay"/> and <see cref="MaxDelay"/> after the
/// change, so that replicas do not all restart at once.
/// </summary>
public sealed class SecretsRestartOptions
{
    /// <summary>Gets or sets the shortest delay between a published change and the stop.</summary>
    /// <value>The default is zero.</value>
    public TimeSpan MinDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets the longest delay between a published change and the stop.</summary>
    /// <value>The default is 5 minutes. Spread replicas over at least their restart time.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);
}
