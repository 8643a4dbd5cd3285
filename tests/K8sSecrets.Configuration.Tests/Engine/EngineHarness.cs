using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Tests;

/// <summary>A configuration built over one <see cref="FakeSecretSource"/>, with a fake clock, captured logs and a reload counter.</summary>
internal sealed class EngineHarness : IDisposable
{
    private readonly IDisposable _reloadRegistration;
    private int _reloads;

    public EngineHarness(FakeSecretSource source, Action<KubernetesSecretsBuilder>? configure = null)
    {
        Source = source;
        Root = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.TimeProvider = Time;
            secrets.LoggerFactory = Logs.Factory;
            configure?.Invoke(secrets);
            secrets.AddSource(_ => source);
        }).Build();
        Provider = Root.Providers.OfType<SecretsConfigurationProvider>().Single();
        _reloadRegistration = ChangeToken.OnChange(Root.GetReloadToken, () => Interlocked.Increment(ref _reloads));
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));

    public LogCapture Logs { get; } = new();

    public FakeSecretSource Source { get; }

    public IConfigurationRoot Root { get; }

    public SecretsConfigurationProvider Provider { get; }

    public int Reloads => Volatile.Read(ref _reloads);

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

    public void Dispose()
    {
        _reloadRegistration.Dispose();
        ((IDisposable)Root).Dispose();
        Logs.Dispose();
    }
}
