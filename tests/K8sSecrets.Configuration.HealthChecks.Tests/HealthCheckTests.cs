using System.Text.Json;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.HealthChecks.Tests;

public sealed class HealthCheckTests : IDisposable
{
    private const string Sentinel = "s3ntinel-health-value";
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly StubSource _first = new("first");
    private readonly StubSource _second = new("second");
    private readonly IConfigurationRoot _configuration;

    public HealthCheckTests()
    {
        _first.Set([("Password", Sentinel)]);
        _second.Set([("Other", Sentinel)]);
        _configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Plain", "x")])
            .AddKubernetesSecrets(s =>
            {
                s.TimeProvider = _time;
                s.MaxRetryDelay = TimeSpan.FromMinutes(10);
                s.MinRetryDelay = TimeSpan.FromMinutes(5);
                s.AddSource(_ => _first);
                s.AddSource(_ => _second);
            })
            .Build();
    }

    [Fact]
    public async Task Two_current_sources_are_healthy_and_the_data_names_each_without_values()
    {
        var (result, name, tags) = await CheckAsync(o => o.Tags.Add("ready"));
        Assert.Equal("kubernetes-secrets", name);
        Assert.Equal(["ready"], tags);
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(["stub 'first'", "stub 'second'"], result.Data.Keys.Order());
        var health = Assert.IsType<SecretSourceHealth>(result.Data["stub 'first'"]);
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.DoesNotContain(Sentinel, JsonSerializer.Serialize(result.Data), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_failures_in_a_row_make_it_degraded_naming_the_source_and_the_error()
    {
        _second.Fail(new SecretSourceException("store unreachable"));
        var provider = Provider(1);
        for (var i = 0; i < 2; i++)
        {
            await provider.RefreshAsync(CancellationToken.None);
        }

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Result.Status);
        await provider.RefreshAsync(CancellationToken.None);
        var (result, _, _) = await CheckAsync();
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("stub 'second' is stale: 3 failures", result.Description, StringComparison.Ordinal);
        Assert.Contains("store unreachable", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_whose_last_read_failed_degrades_naming_it_and_since_when_through_ten_good_reads()
    {
        _second.FailKeys(("db/password", "access denied"));
        var provider = Provider(1);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await provider.RefreshAsync(CancellationToken.None));
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var (result, _, _) = await CheckAsync();
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(
            "stub 'second' keeps last good values of keys it cannot read: 'db:password' has failed every read since 2026-11-29 00:00:00Z: access denied",
            result.Description);
        var failing = Assert.Single(Assert.IsType<SecretSourceHealth>(result.Data["stub 'second'"]).FailingKeys);
        Assert.Equal(TimeSpan.FromMinutes(10), failing.FailingFor);
        Assert.DoesNotContain(Sentinel, JsonSerializer.Serialize(result.Data), StringComparison.Ordinal);

        _second.FailKeys();
        await provider.RefreshAsync(CancellationToken.None);
        (result, _, _) = await CheckAsync();
        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task One_failure_after_ten_minutes_without_a_good_read_is_stale()
    {
        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Result.Status); // quiet, not failing: not stale
        _first.Fail(new SecretSourceException("down"));
        await Provider(0).RefreshAsync(CancellationToken.None);
        Assert.Equal(HealthStatus.Degraded, (await CheckAsync()).Result.Status);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(o => o.StalenessThreshold = TimeSpan.FromMinutes(20))).Result.Status);
    }

    [Fact]
    public async Task An_expiry_within_the_threshold_degrades_and_a_passed_one_is_unhealthy()
    {
        _first.Set([("Password", Sentinel)], ("db/password", Start.AddDays(5)));
        await Provider(0).RefreshAsync(CancellationToken.None);
        var (result, _, _) = await CheckAsync();
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("'db/password', which expires at 2026-12-04", result.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(o => o.ExpiryThreshold = TimeSpan.FromDays(3))).Result.Status);

        _time.Advance(TimeSpan.FromDays(6));
        (result, _, _) = await CheckAsync();
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("expired", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CA_bundle_with_an_expired_retired_root_stays_healthy_and_is_unhealthy_only_when_no_CA_is_valid()
    {
        using var current = PemCertificates.Ca("CN=Current Root", Start.AddYears(-1), Start.AddYears(5));
        using var retired = PemCertificates.Ca("CN=Retired Root", Start.AddYears(-10), Start.AddDays(-1));
        _first.Set([("ca-bundle.crt", PemCertificates.Pem(current, retired))]);
        await Provider(0).RefreshAsync(CancellationToken.None);
        var (result, _, _) = await CheckAsync();
        Assert.Equal(HealthStatus.Healthy, result.Status);

        _time.Advance(TimeSpan.FromDays(5 * 366));
        (result, _, _) = await CheckAsync();
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("publishes 'ca-bundle.crt', which expired at", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_secret_source_is_healthy_and_says_so()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection([new("A", "b")]).Build());
        services.AddHealthChecks().AddKubernetesSecrets();
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal("No secret source is configured.", report.Entries["kubernetes-secrets"].Description);
    }

    [Fact]
    public void Bad_thresholds_are_refused()
    {
        var builder = new ServiceCollection().AddHealthChecks();
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddKubernetesSecrets(o => o.FailureThreshold = 0));
        Assert.Throws<ArgumentException>(() => builder.AddKubernetesSecrets(o => o.Name = ""));
    }

    public void Dispose() => ((IDisposable)_configuration).Dispose();

    private SecretsConfigurationProvider Provider(int index) => _configuration.Providers.OfType<SecretsConfigurationProvider>().ElementAt(index);

    private async Task<(HealthCheckResult Result, string Name, IEnumerable<string> Tags)> CheckAsync(Action<KubernetesSecretsHealthCheckOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(_configuration);
        services.AddHealthChecks().AddKubernetesSecrets(configure ?? (static _ => { }));
        await using var provider = services.BuildServiceProvider();
        var registration = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations.Single();
        var check = registration.Factory(provider);
        var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = registration });
        return (result, registration.Name, registration.Tags);
    }
}
