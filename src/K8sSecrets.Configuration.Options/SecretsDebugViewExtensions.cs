using System.Globalization;
using K8sSecrets.Configuration;

namespace Microsoft.Extensions.Configuration;

/// <summary>A configuration debug view that is safe to log or show.</summary>
public static class SecretsDebugViewExtensions
{
    /// <summary>
    /// Lists every key with its value and the provider it came from, like
    /// <c>GetDebugView()</c>, except that every value served by a secrets provider is replaced with
    /// its length (<c>[secret, 12 chars]</c>), also when the secrets reach
    /// <paramref name="root"/> through <c>AddConfiguration(secretsRoot)</c>; values from other providers are shown as they are.
    /// </summary>
    /// <param name="root">The configuration.</param>
    /// <returns>One line per key, indented by section.</returns>
    public static string GetSecretsDebugView(this IConfigurationRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.GetDebugView(static context => IsSecret(context)
            ? Mask(context.Value)
            : context.Value ?? string.Empty);
    }

    /// <summary>Served by a secrets provider, directly or through a chained configuration.</summary>
    private static bool IsSecret(ConfigurationDebugViewContext context) => context.ConfigurationProvider switch
    {
        SecretsConfigurationProvider => true,
        ChainedConfigurationProvider chain => chain.Configuration.GetSecretsProviderFor(context.Path) is not null,
        _ => false,
    };

    private static string Mask(string? value)
        => string.Create(CultureInfo.InvariantCulture, $"[secret, {value?.Length ?? 0} chars]");
}
