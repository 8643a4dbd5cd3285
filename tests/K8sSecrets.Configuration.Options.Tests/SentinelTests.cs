using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Options.Tests;

/// <summary>A value that a careless validator quotes in its messages and member names must not reach the logs.</summary>
public sealed class SentinelTests
{
    private const string Sentinel = "SENTINEL-77aa-options-do-not-log";

    [Fact]
    public async Task A_rejected_reload_logs_the_type_and_member_but_never_the_value_a_validator_quotes()
    {
        using var volume = new KubeletVolume();
        volume.Write(("User", "app"), ("Password", "ok-" + Sentinel));
        using var host = RotationHost.Build(
            volume.Root,
            b => b.Services.AddOptions<QuotingDbOptions>().BindConfiguration("Database").ValidateDataAnnotations().ValidateOnStart().KeepLastValidOnReload());
        await host.Host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<QuotingDbOptions>>();

        await host.RotateAsync(volume, ("User", "app"), ("Password", Sentinel));

        Assert.Equal("ok-" + Sentinel, monitor.CurrentValue.Password);
        var record = Assert.Single(host.Logs.Records, r => r.Id.Name == "OptionsRejected");
        Assert.Equal("Password", record.StructuredState!.Single(s => s.Key == "Members").Value);
        Assert.Null(record.Exception);
        host.Logs.AssertNoSentinel(Sentinel);

        // The validator does quote it: the stock path would have carried it in the exception text.
        var factory = host.Services.GetRequiredService<IOptionsFactory<QuotingDbOptions>>();
        var error = Assert.Throws<OptionsValidationException>(() => factory.Create(Microsoft.Extensions.Options.Options.DefaultName));
        Assert.Contains(Sentinel, error.Message, StringComparison.Ordinal);
    }
}
