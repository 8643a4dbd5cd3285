using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Tests;

/// <summary>A configuration built over one <see cref="FakeSecretSource"/>, with a fake clock, captured logs and a reload counter.</summary>
internal sealed class EngineHarness : IDisposable
{
    private readonly SecretsHarness _secrets = new();

    public EngineHarness(FakeSecretSource source, Action<KubernetesSecretsBuilder>? configure = null)
    {
        Source = source;
        _secrets.Build(secrets =>
        {
            secrets.TimeProvider = Time;
            configure?.Invoke(secrets);
            secrets.AddSource(_ => source);
        });
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));

    public LogCapture Logs => _secrets.Logs;

    public FakeSecretSource Source { get; }

    public IConfigurationRoot Root => _secrets.Root;

    public SecretsConfigurationProvider Provider => _secrets.Provider;

    public int Reloads => _secrets.Reloads;

    /// <summary>Advances the fake clock in small steps until the condition holds (bounded by real time).</summary>
    public Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step, string because)
        => Eventually.HoldsAsync(
            () =>
            {
                if (condition())
                {
                    return true;
                }

                Time.Advance(step);
                return condition();
            },
            because);

    public void Dispose() => _secrets.Dispose();
}
