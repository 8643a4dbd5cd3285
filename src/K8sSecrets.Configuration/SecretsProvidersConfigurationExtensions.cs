using K8sSecrets.Configuration;

namespace Microsoft.Extensions.Configuration;

/// <summary>
/// Finds the secrets providers of a configuration, including those that reach it through
/// <c>AddConfiguration(other)</c> (a <see cref="ChainedConfigurationProvider"/>). The health check,
/// the restart service, the redacted debug view and the host integration all find providers this way.
/// </summary>
public static class SecretsProvidersConfigurationExtensions
{
    /// <summary>How deep chained configurations are followed; a deeper (or circular) chain is not walked further.</summary>
    private const int MaxChainDepth = 8;

    /// <summary>
    /// Gets every <see cref="SecretsConfigurationProvider"/> of <paramref name="configuration"/>, those of
    /// chained configurations in their place, in precedence order (a later one overrides an earlier one).
    /// </summary>
    /// <param name="configuration">The configuration; anything but an <see cref="IConfigurationRoot"/> has none.</param>
    /// <returns>The providers; empty when there are none.</returns>
    public static IReadOnlyList<SecretsConfigurationProvider> GetSecretsProviders(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var found = new List<SecretsConfigurationProvider>();
        foreach (var provider in Walk(configuration, depth: 0))
        {
            if (provider is SecretsConfigurationProvider secrets)
            {
                found.Add(secrets);
            }
        }

        return found;
    }

    /// <summary>
    /// Gets the secrets provider whose value <paramref name="configuration"/> serves for
    /// <paramref name="key"/>, or <see langword="null"/> when the value comes from another provider
    /// (or the key has none).
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="key">A full configuration key, for example <c>Database:Password</c>.</param>
    /// <returns>The secrets provider that serves the key, or <see langword="null"/>.</returns>
    public static SecretsConfigurationProvider? GetSecretsProviderFor(this IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(key);
        IConfigurationProvider? serving = null;
        foreach (var provider in Walk(configuration, depth: 0))
        {
            if (provider.TryGet(key, out _))
            {
                serving = provider; // the last one that has the key wins, as in ConfigurationRoot
            }
        }

        return serving as SecretsConfigurationProvider;
    }

    /// <summary>Every provider, the providers of chained roots in place of their chain, in precedence order.</summary>
    private static IEnumerable<IConfigurationProvider> Walk(IConfiguration configuration, int depth)
    {
        if (configuration is not IConfigurationRoot root)
        {
            yield break;
        }

        foreach (var provider in root.Providers)
        {
            if (provider is ChainedConfigurationProvider { Configuration: IConfigurationRoot inner } && depth < MaxChainDepth)
            {
                foreach (var nested in Walk(inner, depth + 1))
                {
                    yield return nested;
                }
            }
            else
            {
                // A chain over a section (or past the depth limit) stays one opaque provider.
                yield return provider;
            }
        }
    }
}
