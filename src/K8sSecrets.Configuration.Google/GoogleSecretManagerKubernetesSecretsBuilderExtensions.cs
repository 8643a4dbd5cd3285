using K8sSecrets.Configuration;
using K8sSecrets.Configuration.Google;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds Google Secret Manager to a <see cref="KubernetesSecretsBuilder"/>.</summary>
public static class GoogleSecretManagerKubernetesSecretsBuilderExtensions
{
    /// <summary>
    /// Adds secrets from Google Secret Manager as a source. Every poll reads the secrets' version
    /// metadata and fetches only the versions that changed; payloads are checked against their
    /// CRC32C. Credentials default to Application Default Credentials (Workload Identity on GKE).
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="configure">Sets the project, the credential and the secrets to read.</param>
    /// <returns>The secrets builder.</returns>
    /// <exception cref="InvalidOperationException">No secret or label was declared.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An interval is not positive or longer than a day, or a limit is out of range.</exception>
    /// <exception cref="ArgumentException"><c>Endpoint</c> is not an absolute http or https URI, or holds user info; or the project id is malformed.</exception>
    public static KubernetesSecretsBuilder FromGoogleSecretManager(this KubernetesSecretsBuilder builder, Action<GoogleSecretManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new GoogleSecretManagerOptions();
        configure(options);
        options.CheckSettings();
        return builder.AddSource(context => Create(options, context));
    }

    internal static GoogleSecretManagerSource Create(GoogleSecretManagerOptions options, SecretSourceContext context)
    {
        var logger = context.LoggerFactory.CreateLogger("K8sSecrets.Configuration.Google");
        var reader = new GoogleSecretReader(options, ct => GoogleConnection.OpenAsync(options, context.TimeProvider, ct), context.TimeProvider, context.Retry, logger);
        var what = options.Secrets.Select(static s => s.Name)
            .Concat(options.Labels.Select(static l => $"labels.{l.LabelKey}={l.LabelValue}"));
        var where = options.EffectiveLocation is { } location ? $"{options.ProjectId ?? "(default project)"}/{location}" : options.ProjectId ?? "(default project)";
        var name = $"{where} {string.Join(",", what)}";
        return new GoogleSecretManagerSource(name, options, reader);
    }
}
