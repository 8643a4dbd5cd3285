using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration;

/// <summary>One declared secret source; every <c>Build()</c> gets a fresh source and provider.</summary>
internal sealed class SecretsConfigurationSource(
    Func<SecretSourceContext, SecretSource> factory,
    RefreshSettings settings,
    IReadOnlyList<Action<SecretsConfigurationProvider>> providerCallbacks) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        var provider = new SecretsConfigurationProvider(factory(settings.CreateContext()), settings, builder);
        try
        {
            foreach (var callback in providerCallbacks)
            {
                callback(provider);
            }
        }
        catch
        {
            provider.Dispose();
            throw;
        }

        return provider;
    }
}
