using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Hosting.Tests;

public sealed class HostApplicationBuilderTests
{
    private const string Sentinel = "SENTINEL-e41b-host-do-not-log";
    private const string EngineCategory = "K8sSecrets.Configuration.SecretsConfigurationProvider";

    [Fact]
    public async Task A_default_web_app_logs_a_failed_refresh_and_one_information_line_per_rotation()
    {
        var source = new SwitchSource("app");
        source.Set(("Db:Password", Sentinel));
        await using var host = await WebHost.Build(b => b.AddKubernetesSecrets(s => s.AddSource(_ => source))).StartAsync();
        var provider = host.Configuration.GetSecretsProviders().Single();

        // The first load happened before the host existed: written once, at start, to the host's logging.
        var firstLoad = Assert.Single(host.Library);
        Assert.Equal(SecretsConfigurationProvider.AuditCategory, firstLoad.Category);
        Assert.Equal(LogLevel.Information, firstLoad.Level);

        host.Logs.Clear();
        source.Set(("Db:Password", Sentinel + "-2"));
        Assert.True(await provider.RefreshAsync(CancellationToken.None));
        var rotation = Assert.Single(host.Library, r => r.Level >= LogLevel.Information);
        Assert.Equal("SecretsChanged", rotation.Id.Name);
        Assert.Contains("[Db:Password]", rotation.Message, StringComparison.Ordinal);

        host.Logs.Clear();
        source.Fail("the store answered 503");
        Assert.False(await provider.RefreshAsync(CancellationToken.None));
        var failure = Assert.Single(host.Library, r => r.Level >= LogLevel.Information);
        Assert.Equal(EngineCategory, failure.Category);
        Assert.Equal(LogLevel.Warning, failure.Level);
        Assert.Equal("RefreshFailed", failure.Id.Name);
        Assert.Contains("the store answered 503", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Sentinel + "-2", host.Configuration["Db:Password"]);
        Assert.DoesNotContain(Sentinel, host.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_happened_before_the_host_existed_is_written_once_at_start_with_levels_from_the_Logging_section()
    {
        var empty = new SwitchSource("empty", optional: true);
        empty.Fail("no such secret yet");
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:K8sSecrets.Configuration.Audit"] = "Warning" };
        var host = WebHost.Build(b => b.AddKubernetesSecrets(s => s.AddSource(_ => empty)), settings);
        await using (host)
        {
            Assert.Empty(host.Library); // nothing reaches the host before it starts
            await host.StartAsync();
            var started = Assert.Single(host.Library);
            Assert.Equal("RefreshFailed", started.Id.Name);
            Assert.Contains("no such secret yet", started.Message, StringComparison.Ordinal);

            // The audit category is filtered out by the Logging section, like any other category.
            empty.Set(("Key", "v"));
            Assert.True(await host.Configuration.GetSecretsProviders().Single().RefreshAsync(CancellationToken.None));
            Assert.DoesNotContain(host.Library, r => r.Category == SecretsConfigurationProvider.AuditCategory);
            Assert.Single(host.Library, r => r.Id.Name == "Recovered");
        }
    }

    [Fact]
    public async Task Providers_behind_a_chained_configuration_log_to_the_host_too()
    {
        var source = new SwitchSource("chained");
        source.Set(("Key", "v"));
        using var secrets = (IDisposable)new ConfigurationBuilder().AddKubernetesSecrets(s => s.AddSource(_ => source)).Build();
        await using var host = await WebHost.Build(b =>
        {
            b.Configuration.AddConfiguration((IConfigurationRoot)secrets);
            b.AddKubernetesSecrets(s => s.AddSource(_ => new SwitchSource("own")));
        }).StartAsync();

        source.Fail("denied");
        Assert.False(await ((IConfigurationRoot)secrets).GetSecretsProviders().Single().RefreshAsync(CancellationToken.None));
        Assert.Single(host.Library, r => r.Id.Name == "RefreshFailed" && r.Message.Contains("chained", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_configuration_that_outlives_its_host_keeps_publishing_after_the_hosts_logging_is_disposed()
    {
        var source = new SwitchSource("shared");
        source.Set(("Key", "v1"));
        using var secrets = (IDisposable)new ConfigurationBuilder().AddKubernetesSecrets(s => s.AddSource(_ => source)).Build();
        var provider = ((IConfigurationRoot)secrets).GetSecretsProviders().Single();
        var host = await WebHost.Build(b =>
        {
            b.Configuration.AddConfiguration((IConfigurationRoot)secrets, shouldDisposeConfiguration: false);
            b.AddKubernetesSecrets(s => s.AddSource(_ => Loaded()));
        }).StartAsync();
        await host.DisposeAsync();

        source.Set(("Key", "v2"));
        Assert.True(await provider.RefreshAsync(CancellationToken.None));
        Assert.Equal("v2", ((IConfigurationRoot)secrets)["Key"]);
        source.Fail("gone");
        Assert.False(await provider.RefreshAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_health_check_is_added_when_the_app_uses_health_checks_and_never_twice()
    {
        await using (var plain = await WebHost.Build(b => b.AddKubernetesSecrets(s => s.AddSource(_ => Loaded()))).StartAsync())
        {
            Assert.Null(plain.App.Services.GetService<HealthCheckService>());
        }

        await using (var checks = await WebHost.Build(b =>
        {
            b.AddKubernetesSecrets(s => s.AddSource(_ => Loaded()));
            b.Services.AddHealthChecks();
        }).StartAsync())
        {
            var report = await checks.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Assert.Equal(HealthStatus.Healthy, Assert.Single(report.Entries, e => e.Key == "kubernetes-secrets").Value.Status);
        }

        // The app's own registration (its thresholds, its tags) stands; no duplicate name.
        await using var own = await WebHost.Build(b =>
        {
            b.Services.AddHealthChecks().AddKubernetesSecrets(o => o.Tags.Add("ready"));
            b.AddKubernetesSecrets(s => s.AddSource(_ => Loaded()));
        }).StartAsync();
        var options = own.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value;
        Assert.Equal(["ready"], Assert.Single(options.Registrations).Tags);
    }

    [Fact]
    public async Task The_restart_service_comes_with_RestartWhenChanged_and_its_window_from_the_section()
    {
        await using (var plain = await WebHost.Build(b => b.AddKubernetesSecrets(s => s.AddSource(_ => Loaded()))).StartAsync())
        {
            Assert.DoesNotContain(plain.Library, r => r.Id.Name is "RestartWatching" or "RestartNothingToWatch");
        }

        var settings = new Dictionary<string, string?> { ["K8sSecrets:Restart:MinDelay"] = "00:00:10", ["K8sSecrets:Restart:MaxDelay"] = "00:00:20" };
        await using var restarting = await WebHost.Build(
            b => b.AddKubernetesSecrets(s => s.AddSource(_ => Loaded()).RestartWhenChanged("Key")),
            settings).StartAsync();
        var watching = Assert.Single(restarting.Library, r => r.Id.Name == "RestartWatching");
        Assert.Contains("00:00:10 to 00:00:20", watching.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_come_from_the_K8sSecrets_section_and_a_malformed_one_names_its_key()
    {
        var settings = new Dictionary<string, string?> { ["K8sSecrets:MinRetryDelay"] = "soon" };
        var error = Assert.Throws<InvalidOperationException>(() => WebHost.Build(b => b.AddKubernetesSecrets(s => s.AddSource(_ => Loaded())), settings));
        Assert.Contains("K8sSecrets:MinRetryDelay", error.Message, StringComparison.Ordinal);
        Assert.Contains("time span", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("soon", error.Message, StringComparison.Ordinal);

        // A section value the builder refuses (larger than MaxRetryDelay) fails like the property would.
        settings = new Dictionary<string, string?> { ["K8sSecrets:MinRetryDelay"] = "00:10:00", ["K8sSecrets:MaxRetryDelay"] = "00:01:00" };
        Assert.Throws<ArgumentOutOfRangeException>(() => WebHost.Build(b => b.AddKubernetesSecrets(s => s.AddSource(_ => Loaded())), settings));

        // The start-up budget is read too: a negative one is refused as the property refuses it.
        settings = new Dictionary<string, string?> { ["K8sSecrets:StartupTimeout"] = "-00:00:01" };
        var budget = Assert.Throws<ArgumentOutOfRangeException>(() => WebHost.Build(b => b.AddKubernetesSecrets(s => s.AddSource(_ => Loaded())), settings));
        Assert.Contains("StartupTimeout", budget.Message, StringComparison.Ordinal);
    }

    private static SwitchSource Loaded()
    {
        var source = new SwitchSource("loaded");
        source.Set(("Key", "v"));
        return source;
    }
}
