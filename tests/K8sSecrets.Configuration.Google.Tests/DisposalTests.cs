using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Google.Tests;

[CollectionDefinition(nameof(DisposalTests), DisableParallelization = true)]
public sealed class DisposalCollection;

/// <summary>
/// Every task the source starts is awaited or cancelled: a failed start-up read or a disposal while a
/// request is held by the fake leaves nothing running and no exception unobserved. These run alone,
/// because <see cref="TaskScheduler.UnobservedTaskException"/> is process-wide.
/// </summary>
[Collection(nameof(DisposalTests))]
public sealed class DisposalTests : IDisposable
{
    private readonly List<Exception> _unobserved = [];

    public DisposalTests() => TaskScheduler.UnobservedTaskException += OnUnobserved;

    public void Dispose() => TaskScheduler.UnobservedTaskException -= OnUnobserved;

    [Fact]
    public async Task A_failed_start_up_read_leaves_no_unobserved_task_exception()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "SENTINEL-VALUE");
        h.Store.AccessDenied.Add("db");
        h.Store.Fail("secret", new GsmFault(503, "UNAVAILABLE"));   // the expiry read, alongside the access, fails too
        var expiry = h.Store.Hold("secret");
        var access = h.Store.Hold("access");
        var inOrder = AnswerAccessOnceExpiryArrivedAsync(expiry, access, releaseExpiry: true);

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp => { gcp.ReadExpireTime = true; gcp.Secret("db"); }));

        await inOrder;
        Assert.Contains("403 PERMISSION_DENIED", error.Message, StringComparison.Ordinal);
        await AssertNothingUnobservedAsync();
    }

    [Fact]
    public async Task A_failed_start_up_read_cancels_the_expiry_read_held_by_the_store_and_disposes_cleanly()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "SENTINEL-VALUE");
        h.Store.AccessDenied.Add("db");
        var hold = h.Store.Hold("secret");
        var inOrder = AnswerAccessOnceExpiryArrivedAsync(hold, h.Store.Hold("access"), releaseExpiry: false);

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp => { gcp.ReadExpireTime = true; gcp.Secret("db"); }));

        await inOrder;
        Assert.Contains("403 PERMISSION_DENIED", error.Message, StringComparison.Ordinal);
        await hold.Abandoned.WaitAsync(TimeSpan.FromSeconds(30));
        await AssertNothingUnobservedAsync();
    }

    [Fact]
    public async Task Disposing_while_a_background_read_is_held_by_the_store_ends_it_without_an_exception_anywhere()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        var config = h.Build(gcp => { gcp.ReadExpireTime = true; gcp.Secret("db"); });
        h.Store.AddVersion("db", "two");
        var hold = h.Store.Hold("secret");

        // The poll sees version 2 and accesses it while the secret's metadata (its expiry) is read: that read is held.
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await hold.Arrived.WaitAsync(TimeSpan.FromSeconds(30));

        ((IDisposable)config).Dispose();

        await hold.Abandoned.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("one", config["db"]);
        Assert.DoesNotContain(h.Logs.Records, r => r.Level >= LogLevel.Warning);
        await AssertNothingUnobservedAsync();
    }

    /// <summary>The store answers the access (with its failure) only once the expiry read has reached it, so that read is surely in flight.</summary>
    private static async Task AnswerAccessOnceExpiryArrivedAsync(GsmHold expiry, GsmHold access, bool releaseExpiry)
    {
        await expiry.Arrived.WaitAsync(TimeSpan.FromSeconds(30));
        if (releaseExpiry)
        {
            expiry.Release();
        }

        access.Release();
    }

    /// <summary>Collects garbage (running finalizers, which report unobserved task exceptions) for a short bounded time.</summary>
    private async Task AssertNothingUnobservedAsync()
    {
        var seen = await Testing.Eventually.TrueAsync(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                lock (_unobserved)
                {
                    return _unobserved.Count > 0;
                }
            },
            TimeSpan.FromSeconds(1));
        if (seen)
        {
            lock (_unobserved)
            {
                Assert.Fail("A task exception of the Google source went unobserved: " + string.Join(" | ", _unobserved.Select(static e => e.InnerException?.GetType().Name + " " + e.InnerException?.StackTrace?.Split('\n').FirstOrDefault()?.Trim())));
            }
        }
    }

    private void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        // The event is process-wide: keep only what comes from this package.
        if (e.Exception.ToString().Contains("K8sSecrets.Configuration.Google", StringComparison.Ordinal))
        {
            lock (_unobserved)
            {
                _unobserved.Add(e.Exception);
            }
        }
    }
}
