using K8sSecrets.Configuration;

namespace Microsoft.Extensions.Configuration;

/// <summary>Declares secrets whose change restarts the application (for values read only once).</summary>
public static class RestartKubernetesSecretsBuilderExtensions
{
    /// <summary>
    /// Restarts the application when a published change of this builder's sources touches one of
    /// <paramref name="keysOrSections"/> (a key, or every key under a section): the host is
    /// stopped through <c>IHostApplicationLifetime.StopApplication()</c> after a random delay, so
    /// the orchestrator starts it again with the new values. Use it for values read once, such as
    /// a pooled connection string. Needs <c>services.AddSecretsRestartFallback()</c>, which
    /// also sets the delay window. The first load never restarts; a change that the source's
    /// <c>Validate</c> gate refuses is never published and so never restarts; a pending restart is
    /// cancelled if the values change back to those the application started with.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="keysOrSections">Configuration keys or sections, for example <c>ConnectionStrings</c>.</param>
    /// <returns>The secrets builder.</returns>
    public static KubernetesSecretsBuilder RestartWhenChanged(this KubernetesSecretsBuilder builder, params string[] keysOrSections)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(keysOrSections);
        if (keysOrSections.Length == 0)
        {
            throw new ArgumentException("Name at least one key or section, for example RestartWhenChanged(\"ConnectionStrings\").", nameof(keysOrSections));
        }

        var keys = new List<string>(keysOrSections.Length);
        foreach (var key in keysOrSections)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(key, nameof(keysOrSections));
            keys.Add(key.Trim().TrimEnd(':'));
        }

        return builder.OnProviderCreated(provider => RestartRule.Attach(provider, keys));
    }
}
