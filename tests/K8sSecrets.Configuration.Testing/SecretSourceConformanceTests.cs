using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// What every secret source must do, checked through the public entry point against the store's
/// fake: a store's test class inherits it and says how to start its store and configure its source.
/// Changes are driven through <see cref="SecretsConfigurationProvider.RefreshAsync"/> or the store's
/// own notification; every wait is bounded.
/// </summary>
/// <typeparam name="TStore">The store's fake.</typeparam>
public abstract class SecretSourceConformanceTests<TStore>
    where TStore : IConformanceStore
{
    /// <summary>A value that must never reach a log record or an exception.</summary>
    protected const string Sentinel = "C0NFORMANCE-S3NT1NEL-5e1d";

    private const string Refused = "refused-by-validate";

    /// <summary>Gets the clock the engine and the source use: the system clock, with its armed timers counted.</summary>
    protected TrackingTimeProvider Clock { get; } = new(TimeProvider.System);

    [Fact]
    public async Task Keys_are_case_insensitive()
    {
        await using var store = await StartStoreAsync();
        using var h = new SecretsHarness();
        await store.SetAsync("Password", "pw-1");

        var config = Build(h, store);

        Assert.Equal("pw-1", config["Password"]);
        Assert.Equal("pw-1", config["password"]);
        Assert.Equal("pw-1", config["PASSWORD"]);
    }

    [Fact]
    public async Task Keys_land_below_the_section()
    {
        await using var store = await StartStoreAsync();
        using var h = new SecretsHarness();
        await store.SetAsync("Password", "pw-1");

        var config = Build(h, store, o => o.Section = "Database");

        Assert.Equal("pw-1", config["Database:Password"]);
        Assert.Equal("pw-1", config.GetSection("database")["password"]);
        Assert.Null(config["Password"]);
    }

    [Fact]
    public async Task An_optional_source_that_cannot_be_read_starts_empty_and_fills_once_it_can()
    {
        await using var store = await StartStoreAsync();
        using var h = new SecretsHarness();
        await store.SetAsync("Password", "pw-1");
        await store.BreakAsync();

        var config = Build(h, store, o => o.Optional = true);

        Assert.Empty(h.Snapshot());
        Assert.False(h.Provider.GetHealth().IsHealthy);
        await store.HealAsync();
        await Eventually.HoldsAsync(() => config["Password"] == "pw-1", "the optional source is read once the store answers");
        await Eventually.HoldsAsync(() => h.Reloads == 1, "its first values raise a reload");
    }

    [Fact]
    public virtual async Task A_required_source_that_cannot_be_read_fails_Build_naming_the_source()
    {
        await using var store = await StartStoreAsync();
        using var h = new SecretsHarness();
        await store.SetAsync("Password", "pw-1");
        await store.BreakAsync();

        var error = Assert.Throws<SecretSourceException>(() => Build(h, store));

        Assert.True(error.Message.Contains(store.SourceName, StringComparison.Ordinal), $"The message names no source ('{store.SourceName}'): {error.Message}");
    }

    [Fact]
    public async Task Each_change_raises_one_reload()
    {
        await using var store = await StartStoreAsync();
        using var h = new SecretsHarness();
        await store.SetAsync("Password", "pw-1");
        await store.SetAsync("User", "app");
        var config = Build(h, store);

        await store.SetAsync("Password", "pw-2");
        await h.Provider.RefreshAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => config["Password"] == "pw-2", "the new value is published");
        await Eventually.StaysAsync(() => h.Reloads == 1 && h.Changes == 1, "one change raises exactly one reload");

        await store.RemoveAsync("User");
        await h.Provider.RefreshAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => config["User"] is null, "the removed key is gone");
        await Eventually.StaysAsync(() => h.Reloads == 2 && h.Changes == 2, "a removal raises exactly one more reload");
        Assert.Equal("pw-2", config["Password"]);
    }

    [Fact]
    public async Task Nothing_is_raised_when_nothing_changed()
    {
        await using var store = await StartStoreAsync();
        using var h = new SecretsHarness();
        await store.SetAsync("Password", "pw-1");
        var config = Build(h, store);

        await store.SetAsync("Password", "pw-1");
        Assert.True(await h.Provider.RefreshAsync(CancellationToken.None));
        Assert.True(await h.Provider.RefreshAsync(CancellationToken.None));

        await Eventually.StaysAsync(() => h.Reloads == 0 && h.Changes == 0, "an identical rewrite and forced reads raise nothing");
        Assert.Equal("pw-1", config["Password"]);
    }

    [Fact]
    public async Task The_last_good_values_stay_through_an_outage_and_health_shows_it()
    {
        await using var store = await StartStoreAsync();
        using var h = new SecretsHarness();
        await store.SetAsync("Password", "pw-1");
        var config = Build(h, store);
        Assert.True(h.Provider.GetHealth().IsHealthy);

        await store.BreakAsync();
        await h.Provider.RefreshAsync(CancellationToken.None);
        await Eventually.HoldsAsync(
            () => h.Provider.GetHealth() is { LastFailure: not null, LastError: not null },
            "health shows the outage");
        Assert.Equal("pw-1", config["Password"]);
        Assert.Equal(0, h.Reloads);

        await store.HealAsync();
        await store.SetAsync("Password", "pw-2");
        await h.Provider.RefreshAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => config["Password"] == "pw-2", "a change after the outage is published");
        await Eventually.HoldsAsync(() => h.Provider.GetHealth().ConsecutiveFailures == 0, "health shows the recovery");
    }

    [Fact]
    public async Task Values_refused_by_Validate_are_not_published()
    {
        await using var store = await StartStoreAsync();
        using var h = new SecretsHarness();
        await store.SetAsync("Password", "pw-1");
        var config = Build(h, store, o => o.Validate = values => values.Values.Contains(Refused) ? "a value is on the deny list" : null);

        await store.SetAsync("Password", Refused);
        await h.Provider.RefreshAsync(CancellationToken.None);
        await Eventually.HoldsAsync(
            () => h.Provider.GetHealth().LastError?.Contains("deny list", StringComparison.Ordinal) == true,
            "the refusal shows in health");
        Assert.Equal("pw-1", config["Password"]);
        Assert.Equal(0, h.Reloads);

        await store.SetAsync("Password", "pw-2");
        await h.Provider.RefreshAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => config["Password"] == "pw-2", "an accepted value is published");
        // A watching source may publish from its own loop: Data is swapped just before the reload is raised.
        await Eventually.HoldsAsync(() => h.Reloads >= 1, "the accepted value raises a reload");
        await Eventually.StaysAsync(() => h.Reloads == 1, "the accepted value raises exactly one reload");
    }

    [Fact]
    public async Task Dispose_stops_every_request_and_timer()
    {
        await using var store = await StartStoreAsync();
        using var h = new SecretsHarness();
        await store.SetAsync("Password", "pw-1");
        var config = Build(h, store);
        using var reads = new SourceReads(h.Provider.SourceName);
        await store.SetAsync("Password", "pw-2");
        await Eventually.HoldsAsync(() => config["Password"] == "pw-2", "the source follows the store before disposal");

        ((IDisposable)config).Dispose();
        await Eventually.HoldsAsync(() => Clock.Waiting == 0, "no timer of the engine or the source is left armed");
        // A request the client sent just before disposal (a watch being re-opened) can reach the
        // server a moment later: count from when arrivals have stopped (bounded: 2 s at most).
        var requests = store.Requests;
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(100);
            if (store.Requests == requests)
            {
                break;
            }

            requests = store.Requests;
        }

        var readCount = reads.Count;
        var reloads = h.Reloads;
        await store.SetAsync("Password", "pw-3");

        string Seen() => $"requests {requests}->{store.Requests}, reads {readCount}->{reads.Count}, reloads {reloads}->{h.Reloads}, armed timers {Clock.Waiting}";
        var before = Seen();
        try
        {
            await Eventually.StaysAsync(
                () => store.Requests == requests && reads.Count == readCount && h.Reloads == reloads && Clock.Waiting == 0,
                "nothing reads the store, arms a timer or raises a reload after disposal",
                TimeSpan.FromSeconds(1));
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message} ({before}; now {Seen()})");
        }
        Assert.Equal("pw-2", config["Password"]);
    }

    [Fact]
    public async Task Secret_values_never_reach_logs_or_exceptions()
    {
        await using var store = await StartStoreAsync();
        using var h = new SecretsHarness();
        await store.SetAsync("Password", Sentinel + "-1");
        var config = Build(h, store, o => o.Validate = values => values.Values.Any(v => v?.EndsWith("-2", StringComparison.Ordinal) == true) ? "the second value is refused" : null);

        await store.SetAsync("Password", Sentinel + "-2");
        await h.Provider.RefreshAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => h.Provider.GetHealth().LastError?.Contains("refused", StringComparison.Ordinal) == true, "the refusal is recorded");
        await store.SetAsync("Password", Sentinel + "-3");
        await store.BreakAsync();
        await h.Provider.RefreshAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => h.Provider.GetHealth().LastError?.Contains("refused", StringComparison.Ordinal) == false, "the outage is recorded");
        var health = h.Provider.GetHealth();
        var failed = Assert.Throws<SecretSourceException>(() => Build(h, store));
        await store.HealAsync();
        await Eventually.HoldsAsync(() => config["Password"] == Sentinel + "-3", "the source recovers");

        Assert.DoesNotContain(Sentinel, failed.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, health.LastError ?? string.Empty, StringComparison.Ordinal);
        h.Logs.AssertNoSentinel(Sentinel);
    }

    /// <summary>Starts the store, empty.</summary>
    protected abstract Task<TStore> StartStoreAsync();

    /// <summary>
    /// Adds the source under test, reading <paramref name="store"/>, with settings fast enough for a
    /// test (short polls and debounces); <paramref name="options"/> runs last on its options.
    /// </summary>
    protected abstract void Configure(KubernetesSecretsBuilder secrets, TStore store, Action<SecretSourceOptions> options);

    private IConfigurationRoot Build(SecretsHarness h, TStore store, Action<SecretSourceOptions>? options = null)
        => h.Build(secrets =>
        {
            secrets.TimeProvider = Clock;
            secrets.MinRetryDelay = TimeSpan.FromMilliseconds(20);
            secrets.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
            Configure(secrets, store, options ?? (static _ => { }));
        });
}
