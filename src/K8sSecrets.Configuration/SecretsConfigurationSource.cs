using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration;

/// <summary>One declared secret source; every <c>Build()</c> gets a fresh source and provider.</summary>
internal sealed class SecretsConfigurationSource(
    Func<SecretSourceContext, SecretSource> factory,
    RefreshSettings settings) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder)
        => new SecretsConfigurationProvider(factory(settings.CreateContext()), settings, builder);
}
