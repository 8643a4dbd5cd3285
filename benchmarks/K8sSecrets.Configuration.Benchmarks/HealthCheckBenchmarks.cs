using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>
/// The health check over 10 loaded sources (one a certificate-like expiry each): the cost of one
/// call, which reads the engine's state only. And one forced refresh of a 10-key source, with and
/// without a listener on the library's activity source.
/// </summary>
[MemoryDiagnoser]
public class HealthCheckBenchmarks
{
    private IConfigurationRoot _configuration = null!;
    private ServiceProvider _services = null!;
    private IHealthCheck _check = null!;
    private HealthCheckContext _context = null!;
    private SecretsConfigurationProvider _provider = null!;
    private ActivityListener? _listener;

    [GlobalSetup]
    public void Setup()
    {
        _configuration = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            for (var i = 0; i < 10; i++)
            {
                var name = "source-" + i;
                secrets.AddSource(_ => new StaticSource(name));
            }
        }).Build();
        _provider = _configuration.Providers.OfType<SecretsConfigurationProvider>().First();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(_configuration);
        services.AddHealthChecks().AddKubernetesSecrets();
        _services = services.BuildServiceProvider();
        var registration = _services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Single();
        _check = registration.Factory(_services);
        _context = new HealthCheckContext { Registration = registration };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _services.Dispose();
        ((IDisposable)_configuration).Dispose();
    }

    [Benchmark]
    public Task<HealthCheckResult> HealthCheck_10_sources() => _check.CheckHealthAsync(_context);

    [Benchmark]
    public Task<bool> Refresh_no_listener() => _provider.RefreshAsync(CancellationToken.None);

    [GlobalSetup(Target = nameof(Refresh_with_listener))]
    public void SetupListener()
    {
        Setup();
        _listener = new ActivityListener
        {
            ShouldListenTo = static s => s.Name == "K8sSecrets.Configuration",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Benchmark]
    public Task<bool> Refresh_with_listener() => _provider.RefreshAsync(CancellationToken.None);

    private sealed class StaticSource(string name) : SecretSource("static", name, new StaticOptions())
    {
        private static readonly DateTimeOffset Expiry = DateTimeOffset.UtcNow.AddDays(90);

        public override ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
        {
            var snapshot = NewSnapshot();
            for (var i = 0; i < 10; i++)
            {
                snapshot.Add("Key" + i, "value");
            }

            snapshot.AddExpiry("tls.crt", Expiry);
            return ValueTask.FromResult(SecretLoadResult.Read(snapshot));
        }

        private sealed class StaticOptions : SecretSourceOptions
        {
        }
    }
}
