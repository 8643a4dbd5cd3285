using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Options.Tests;

/// <summary>Issue 13: a key's value from before a rotation stays readable for KeepPreviousFor, then goes with one reload.</summary>
public sealed class PreviousValuesTests
{
    private const string Sentinel = "PREVIOUS-SENTINEL-9f1c";

    [Fact]
    public async Task The_previous_value_is_bindable_for_the_window_and_removed_with_one_more_reload()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        using var volume = new KubeletVolume();
        volume.Write(("User", "app"), ("Password", "signing-key-1"));
        using var host = RotationHost.Build(
            volume.Root,
            b =>
            {
                b.Services.AddOptions<DbOptions>().BindConfiguration("Database");
                b.Services.AddOptions<DbOptions>("previous").BindConfiguration(SecretsConfigurationProvider.PreviousValuesSection + ":Database");
            },
            volume: v => v.KeepPreviousFor = TimeSpan.FromHours(1),
            secrets: s => s.TimeProvider = clock);
        await host.Host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DbOptions>>();
        var reloads = 0;
        using var subscription = monitor.OnChange((_, name) => { if (name == "previous") { Interlocked.Increment(ref reloads); } });
        Assert.Null(monitor.Get("previous").Password); // nothing rotated yet

        Assert.True(await host.RotateAsync(volume, ("User", "app"), ("Password", "signing-key-2")));
        Assert.Equal("signing-key-2", monitor.CurrentValue.Password);
        Assert.Equal("signing-key-1", monitor.Get("previous").Password);
        Assert.Null(monitor.Get("previous").User); // unchanged keys have no previous value
        Assert.Equal("signing-key-1", host.Root["K8sSecrets:Previous:Database:Password"]);

        clock.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(50);
        Assert.Equal("signing-key-1", monitor.Get("previous").Password);
        var before = Volatile.Read(ref reloads);

        await Eventually.HoldsAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromSeconds(30));
                return monitor.Get("previous").Password is null;
            },
            "the previous value goes when the window ends");
        Assert.Null(host.Root["K8sSecrets:Previous:Database:Password"]);
        Assert.Equal("signing-key-2", monitor.CurrentValue.Password);
        await Eventually.HoldsAsync(() => Volatile.Read(ref reloads) > before, "one more reload announced it");
        await host.Host.StopAsync();
    }

    [Fact]
    public async Task Without_KeepPreviousFor_no_previous_value_is_published_and_source_keys_under_the_reserved_root_are_refused()
    {
        using var volume = new KubeletVolume();
        volume.Write(("Password", "one"));
        using var host = RotationHost.Build(volume.Root, _ => { });
        Assert.True(await host.RotateAsync(volume, ("Password", "two")));
        Assert.Empty(host.Root.GetSection("K8sSecrets").GetChildren());

        using var other = new KubeletVolume();
        other.Write(("K8sSecrets__Previous__Database__Password", "forged"), ("Password", Sentinel));
        using var guarded = RotationHost.Build(other.Root, _ => { }, volume: v => { v.Section = null; v.KeepPreviousFor = TimeSpan.FromMinutes(5); });
        Assert.Null(guarded.Root["K8sSecrets:Previous:Database:Password"]);
        Assert.Contains(guarded.Logs.Records, r => r.Id.Name == "ReservedKeyRefused");
        guarded.Logs.AssertNoSentinel(Sentinel);
    }

    [Fact]
    public async Task A_second_source_cannot_forge_the_previous_value_of_the_first()
    {
        const string Forged = "FORGED-SENTINEL-4a7e";
        using var rotated = new KubeletVolume();
        rotated.Write(("Jwt__Key", "signing-key-1"));
        using var forger = new KubeletVolume();
        forger.Write(("K8sSecrets__Previous__Jwt__Key", Forged), ("Other", "x"));
        using var logs = new LogCapture();
        using var root = (IDisposable)new ConfigurationBuilder()
            .AddKubernetesSecrets(s =>
            {
                s.LoggerFactory = logs.Factory;
                s.FromVolume(rotated.Root, v => { v.ReloadOnChange = false; v.KeepPreviousFor = TimeSpan.FromHours(1); });
                s.FromVolume(forger.Root, v => v.ReloadOnChange = false); // added later: would win
            })
            .Build();
        var configuration = (IConfigurationRoot)root;
        Assert.Null(configuration["K8sSecrets:Previous:Jwt:Key"]); // nothing rotated yet, and nothing forged
        Assert.Equal("x", configuration["Other"]);

        Assert.True(await configuration.Providers.OfType<SecretsConfigurationProvider>().Last().RefreshAsync(CancellationToken.None));
        rotated.Write(("Jwt__Key", "signing-key-2"));
        Assert.True(await configuration.Providers.OfType<SecretsConfigurationProvider>().First().RefreshAsync(CancellationToken.None));
        Assert.Equal("signing-key-2", configuration["Jwt:Key"]);
        Assert.Equal("signing-key-1", configuration["K8sSecrets:Previous:Jwt:Key"]);
        Assert.DoesNotContain(configuration.Providers, p => p.TryGet("K8sSecrets:Previous:Jwt:Key", out var value) && value == Forged);

        var refused = Assert.Single(logs.Records, r => r.Id.Name == "ReservedKeyRefused"); // once, not at every read
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, refused.Level);
        Assert.Contains(forger.Root, refused.Message, StringComparison.Ordinal);
        Assert.Contains("'K8sSecrets:Previous:Jwt:Key'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("reserved", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ordinal", refused.Message, StringComparison.Ordinal);
        logs.AssertNoSentinel(Forged);
    }

    [Fact]
    public void A_window_longer_than_a_day_is_refused()
    {
        using var volume = new KubeletVolume();
        volume.Write(("Password", "one"));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RotationHost.Build(volume.Root, _ => { }, volume: v => v.KeepPreviousFor = TimeSpan.FromDays(2)));
        Assert.Equal("KeepPreviousFor", error.ParamName);
    }
}
