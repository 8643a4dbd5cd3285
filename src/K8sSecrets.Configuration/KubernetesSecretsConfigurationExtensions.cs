using K8sSecrets.Configuration;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds Kubernetes Secrets and external secret stores to an <see cref="IConfigurationBuilder"/>.</summary>
public static class KubernetesSecretsConfigurationExtensions
{
    /// <summary>
    /// Adds a required Secret volume mounted at <paramref name="path"/>, reloaded when the kubelet
    /// rotates it.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The mount folder, an absolute path (a relative one is refused with an <see cref="ArgumentException"/>).</param>
    /// <returns>The configuration builder.</returns>
    public static IConfigurationBuilder AddKubernetesSecrets(this IConfigurationBuilder builder, string path)
        => builder.AddKubernetesSecrets(path, optional: false);

    /// <summary>Adds a Secret volume mounted at <paramref name="path"/>, reloaded when it rotates.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The mount folder, an absolute path (a relative one is refused with an <see cref="ArgumentException"/>).</param>
    /// <param name="optional">Whether the folder may be missing at start.</param>
    /// <returns>The configuration builder.</returns>
    public static IConfigurationBuilder AddKubernetesSecrets(this IConfigurationBuilder builder, string path, bool optional)
        => builder.AddKubernetesSecrets(path, optional, reloadOnChange: true);

    /// <summary>Adds a Secret volume mounted at <paramref name="path"/>.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The mount folder, an absolute path (a relative one is refused with an <see cref="ArgumentException"/>).</param>
    /// <param name="optional">Whether the folder may be missing at start.</param>
    /// <param name="reloadOnChange">Whether rotations are picked up without a restart.</param>
    /// <returns>The configuration builder.</returns>
    public static IConfigurationBuilder AddKubernetesSecrets(this IConfigurationBuilder builder, string path, bool optional, bool reloadOnChange)
    {
        KubernetesSecretsBuilder.CheckVolumePath(path);
        return builder.AddKubernetesSecrets(secrets => secrets.FromVolume(path, volume =>
        {
            volume.Optional = optional;
            volume.ReloadOnChange = reloadOnChange;
        }));
    }

    /// <summary>Adds a Secret volume mounted at <paramref name="path"/>, with its settings.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The mount folder, an absolute path (a relative one is refused with an <see cref="ArgumentException"/>).</param>
    /// <param name="configure">Adjusts the volume's settings (optional, reload, section, ...).</param>
    /// <returns>The configuration builder.</returns>
    public static IConfigurationBuilder AddKubernetesSecrets(this IConfigurationBuilder builder, string path, Action<VolumeSecretOptions> configure)
    {
        KubernetesSecretsBuilder.CheckVolumePath(path);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddKubernetesSecrets(secrets => secrets.FromVolume(path, configure));
    }

    /// <summary>
    /// Adds every source configured on the <see cref="KubernetesSecretsBuilder"/>; each becomes
    /// one configuration provider, added in the order the sources were declared.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="configure">Declares the sources and their shared settings.</param>
    /// <returns>The configuration builder.</returns>
    public static IConfigurationBuilder AddKubernetesSecrets(this IConfigurationBuilder builder, Action<KubernetesSecretsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var secrets = new KubernetesSecretsBuilder();
        configure(secrets);
        var settings = secrets.BuildSettings();
        foreach (var factory in secrets.Factories)
        {
            builder.Add(new SecretsConfigurationSource(factory, settings, [.. secrets.ProviderCallbacks]));
        }

        return builder;
    }
}
