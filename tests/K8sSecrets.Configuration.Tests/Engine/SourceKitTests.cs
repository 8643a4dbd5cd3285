using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Tests;

/// <summary>The source contract, the shared retry policy and its caps, and the engine's defences (issues 7 and 15).</summary>
[Collection("engine")] // the Meter is process-wide: engine tests that read it do not run side by side
public sealed class SourceKitTests
{
    [Theory]
    [InlineData(86_400)] // a day: used to freeze a source for that long
    [InlineData(5_184_000)] // 60 days: past Task.Delay's limit, used to stop the provider for good and spin a core
    public async Task A_huge_retry_after_is_capped_at_MaxRetryAfter_and_nothing_spins(int seconds)
    {
        var source = new FakeSecretSource();
        source.Set(("Key", "v"));
        using var harness = new EngineHarness(source, s => s.MaxRetryAfter = TimeSpan.FromMinutes(10));
        await Task.Yield();

        source.Fail(new SecretSourceException("throttled") { RetryAfter = TimeSpan.FromSeconds(seconds) });
        source.Signals!.RequestRefresh();
        await Eventually.HoldsAsync(() => harness.Provider.GetHealth().ConsecutiveFailures == 1, "the failure is recorded");
        var loads = source.Loads;
        harness.Time.Advance(TimeSpan.FromMinutes(9));
        await Task.Delay(100);
        Assert.Equal(loads, source.Loads); // the Retry-After is honoured up to the cap

        source.Set(("Key", "back"));
        await harness.AdvanceUntilAsync(() => harness.Root["Key"] == "back", TimeSpan.FromSeconds(10), "the retry comes at the cap");
        Assert.DoesNotContain(harness.Logs.Records, r => r.Id.Name == "LoopFault");
        Assert.Equal(0, harness.Provider.GetHealth().ConsecutiveFailures);
    }

    [Fact]
    public async Task A_next_read_longer_than_a_day_is_capped_and_the_loop_keeps_running()
    {
        var source = new FakeSecretSource { Poll = TimeSpan.FromDays(60) };
        source.Set(("Key", "1"));
        using var harness = new EngineHarness(source);
        await Task.Yield();
        source.Set(("Key", "2"));

        harness.Time.Advance(TimeSpan.FromHours(23));
        await Task.Delay(100);
        Assert.Equal("1", harness.Root["Key"]);
        await harness.AdvanceUntilAsync(() => harness.Root["Key"] == "2", TimeSpan.FromHours(1), "the capped poll reads again after a day");
        Assert.DoesNotContain(harness.Logs.Records, r => r.Id.Name == "LoopFault");
    }

    [Theory]
    [InlineData("MinRetryDelay")]
    [InlineData("MaxRetryDelay")]
    [InlineData("MaxRetryAfter")]
    public void Waits_longer_than_a_day_are_refused_when_the_configuration_is_declared(string setting)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s =>
        {
            s.MinRetryDelay = setting == "MinRetryDelay" ? TimeSpan.FromDays(50) : TimeSpan.FromSeconds(1);
            s.MaxRetryDelay = setting is "MaxRetryDelay" or "MinRetryDelay" ? TimeSpan.FromDays(50) : TimeSpan.FromMinutes(2);
            s.MaxRetryAfter = setting == "MaxRetryAfter" ? TimeSpan.FromDays(50) : TimeSpan.FromMinutes(10);
        }));
        Assert.Equal(setting, error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromVolume("/tmp", v => v.PollInterval = TimeSpan.FromDays(50))));
    }

    [Fact]
    public async Task A_failure_retrying_cannot_fix_is_logged_as_an_error_and_retried_at_the_longest_backoff()
    {
        var source = new FakeSecretSource();
        source.Set(("Key", "v"));
        using var harness = new EngineHarness(source, s =>
        {
            s.MinRetryDelay = TimeSpan.FromSeconds(1);
            s.MaxRetryDelay = TimeSpan.FromMinutes(2);
        });
        await Task.Yield();

        source.Fail(new SecretSourceException("403 permission denied: grant read on secret/app") { IsTransient = false });
        source.Signals!.RequestRefresh();
        await Eventually.HoldsAsync(() => harness.Provider.GetHealth().ConsecutiveFailures == 1, "the failure is recorded");
        await Eventually.HoldsAsync(() => harness.Logs.Records.Any(r => r.Id.Name == "RefreshRefused" && r.Level == LogLevel.Error), "an Error, not a Warning, is logged");
        var loads = source.Loads;
        harness.Time.Advance(TimeSpan.FromSeconds(59)); // below half of MaxRetryDelay: a transient failure would have been retried by now
        await Task.Delay(100);
        Assert.Equal(loads, source.Loads);
        await harness.AdvanceUntilAsync(() => source.Loads > loads, TimeSpan.FromSeconds(5), "retried at the longest backoff");
        Assert.Equal("v", harness.Root["Key"]);
    }

    [Fact]
    public async Task Background_failures_show_in_health_are_logged_once_per_streak_and_recover()
    {
        var source = new FakeSecretSource();
        source.Set(("Key", "v"));
        using var harness = new EngineHarness(source);
        await Task.Yield();

        for (var i = 0; i < 3; i++)
        {
            source.Signals!.ReportFailure(new SecretSourceException("the watch of ns/db failed: HTTP 503"));
        }

        var health = harness.Provider.GetHealth();
        Assert.False(health.IsHealthy);
        Assert.Equal(3, health.ConsecutiveFailures);
        Assert.Equal("the watch of ns/db failed: HTTP 503", health.LastError);
        Assert.Single(harness.Logs.Records, r => r.Id.Name == "RefreshFailed" && r.Level == LogLevel.Warning);
        Assert.Equal(2, harness.Logs.Records.Count(r => r.Id.Name == "RefreshStillFailing" && r.Level == LogLevel.Debug));

        source.Signals!.ReportRecovered();
        source.Signals!.ReportRecovered();
        Assert.True(harness.Provider.GetHealth().IsHealthy);
        Assert.Single(harness.Logs.Records, r => r.Id.Name == "Recovered");
        Assert.Equal("v", harness.Root["Key"]);
    }

    [Fact]
    public async Task The_context_says_why_the_engine_reads_and_asks_for_everything_after_a_failure()
    {
        var source = new FakeSecretSource();
        source.Set(("Key", "v"));
        using var harness = new EngineHarness(source);
        await Task.Yield();
        Assert.Equal(SecretLoadReason.Initial, source.Contexts[0].Reason);
        Assert.True(source.Contexts[0].ReadAll);

        source.Signals!.RequestRefresh();
        await Eventually.HoldsAsync(() => source.Loads == 2, "the notified read");
        Assert.Equal(SecretLoadReason.Notified, source.Contexts[1].Reason);
        Assert.False(source.Contexts[1].ReadAll);

        source.Fail(new SecretSourceException("down"));
        await harness.Provider.RefreshAsync(CancellationToken.None);
        Assert.Equal(SecretLoadReason.Forced, source.Contexts[2].Reason);
        source.Set(("Key", "v"));
        await harness.AdvanceUntilAsync(() => source.Loads == 4, TimeSpan.FromSeconds(1), "the retry");
        Assert.Equal(SecretLoadReason.Retry, source.Contexts[3].Reason);
        Assert.True(source.Contexts[3].ReadAll);
        Assert.Equal(1, source.Contexts[3].ConsecutiveFailures);
    }

    [Fact]
    public void A_failed_build_disposes_the_sources_that_already_loaded()
    {
        var first = new FakeSecretSource();
        first.Set(("A", "1"));
        var second = new FakeSecretSource();
        second.Fail(new SecretSourceException("the store is down"));

        Assert.Throws<SecretSourceException>(() => new ConfigurationBuilder()
            .AddKubernetesSecrets(s => s.AddSource(_ => first))
            .AddKubernetesSecrets(s => s.AddSource(_ => second))
            .Build());

        Assert.True(first.Disposed);
        Assert.True(second.Disposed);
    }

    [Fact]
    public void A_second_build_of_the_same_builder_is_a_group_of_its_own()
    {
        var good = new FakeSecretSource();
        good.Set(("A", "1"));
        var builder = new ConfigurationBuilder().AddKubernetesSecrets(s => s.AddSource(_ => good));
        using var root = (IDisposable)builder.Build();

        var bad = new FakeSecretSource();
        bad.Fail(new SecretSourceException("down"));
        var other = new FakeSecretSource();
        other.Set(("B", "2"));
        var failing = new ConfigurationBuilder()
            .AddKubernetesSecrets(s => s.AddSource(_ => other))
            .AddKubernetesSecrets(s => s.AddSource(_ => bad));
        Assert.Throws<SecretSourceException>(() => failing.Build());

        Assert.False(good.Disposed); // another builder's providers are never touched
        Assert.True(other.Disposed);
    }

    [Fact]
    public void Key_delimiters_and_MapKey_rename_filter_and_keep_the_section()
    {
        var source = new FakeSecretSource(new FakeSecretSource.Settings
        {
            Section = "App",
            KeyDelimiters = ["--"],
            MapKey = key => key.StartsWith("ignore.", StringComparison.Ordinal) ? null : key.Replace("Pwd", "Password", StringComparison.Ordinal),
        });
        source.Set(("ConnectionStrings--Db", "c"), ("Db/Pwd", "p"), ("ignore.me", "x"), ("Keep__As", "k"));
        using var harness = new EngineHarness(source);

        Assert.Equal("c", harness.Root["App:ConnectionStrings:Db"]);
        Assert.Equal("p", harness.Root["App:Db:Password"]);
        Assert.Equal("k", harness.Root["App:Keep__As"]); // "__" maps only when it is one of the delimiters
        Assert.DoesNotContain(harness.Root.AsEnumerable(), p => p.Key.Contains("ignore", StringComparison.Ordinal));
    }

    [Fact]
    public void The_retry_policy_doubles_caps_and_jitters_down_by_at_most_half()
    {
        var retry = ContextProbe.Capture(s =>
        {
            s.MinRetryDelay = TimeSpan.FromSeconds(1);
            s.MaxRetryDelay = TimeSpan.FromSeconds(30);
            s.MaxRetryAfter = TimeSpan.FromMinutes(5);
        }).Retry;
        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(retry.GetDelay(1), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
            Assert.InRange(retry.GetDelay(3), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
            Assert.InRange(retry.GetDelay(int.MaxValue), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
            Assert.InRange(retry.GetDelay(1, new SecretSourceException("setup") { IsTransient = false }), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
        }

        Assert.Equal(TimeSpan.FromSeconds(90), retry.GetDelay(1, new SecretSourceException("429") { RetryAfter = TimeSpan.FromSeconds(90) }));
        Assert.Equal(TimeSpan.FromMinutes(5), retry.GetDelay(1, new SecretSourceException("429") { RetryAfter = TimeSpan.FromDays(90) }));
        Assert.Equal(TimeSpan.Zero, retry.CapRetryAfter(TimeSpan.FromSeconds(-5)));
    }

    [Fact]
    public void A_polling_source_is_retried_at_its_poll_when_sooner_but_never_below_half_the_first_delay_nor_before_Retry_After()
    {
        var retry = ContextProbe.Capture(s =>
        {
            s.MinRetryDelay = TimeSpan.FromSeconds(1);
            s.MaxRetryDelay = TimeSpan.FromMinutes(2);
            s.MaxRetryAfter = TimeSpan.FromMinutes(5);
        }).Retry;
        var refused = new SecretSourceException("403") { IsTransient = false };
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(10), retry.GetDelay(1, refused, TimeSpan.FromSeconds(10)));
            Assert.Equal(TimeSpan.FromSeconds(0.5), retry.GetDelay(1, refused, TimeSpan.FromMilliseconds(1)));
            Assert.InRange(retry.GetDelay(1, refused, TimeSpan.FromMinutes(30)), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2));
            Assert.InRange(retry.GetDelay(1, refused, null), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2));
            Assert.InRange(retry.GetDelay(1, null, TimeSpan.FromMinutes(30)), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
        }

        Assert.Equal(TimeSpan.FromSeconds(90), retry.GetDelay(1, new SecretSourceException("429") { RetryAfter = TimeSpan.FromSeconds(90) }, TimeSpan.FromSeconds(1)));
    }
}
