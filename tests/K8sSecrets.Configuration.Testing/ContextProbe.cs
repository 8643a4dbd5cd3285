using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Testing;

/// <summary>Gets the <see cref="SecretSourceContext"/> a builder hands its sources, for unit tests of a source's parts.</summary>
public static class ContextProbe
{
    public static SecretSourceContext Capture(Action<KubernetesSecretsBuilder> configure)
    {
        SecretSourceContext? captured = null;
        var root = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            configure(secrets);
            secrets.AddSource(context =>
            {
                captured = context;
                return new EmptySource();
            });
        }).Build();
        ((IDisposable)root).Dispose();
        return captured!;
    }

    private sealed class EmptySource() : SecretSource("probe", "context", new Options())
    {
        public override ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(SecretLoadResult.Read(NewSnapshot()));
    }

    private sealed class Options : SecretSourceOptions
    {
    }
}
