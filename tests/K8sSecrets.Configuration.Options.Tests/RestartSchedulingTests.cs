using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Options.Tests;

/// <summary>Scheduling and firing a restart never runs the host's stop on a publishing, timer or pool thread.</summary>
[Collection(RestartMetric.Collection)]
public sealed class RestartSchedulingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    public async Task The_publish_and_the_timer_return_while_a_stopping_callback_blocks(int delaySeconds)
    {
        using var volume = new KubeletVolume();
        volume.Write(("ConnectionString", "Host=db-a"));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var window = TimeSpan.FromSeconds(delaySeconds);
        using var replica = RotationHost.Build(
            volume.Root,
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(clock);
                b.Services.AddSecretsRestartFallback(o => o.MinDelay = o.MaxDelay = window);
            },
            secrets: s => s.RestartWhenChanged("Database:ConnectionString"));
        await replica.Host.StartAsync();

        // A stopping callback that blocks until the test lets it go (a drain, a flush).
        using var release = new ManualResetEventSlim();
        var stopping = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        replica.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
        {
            stopping.TrySetResult(Thread.CurrentThread.IsThreadPoolThread);
            release.Wait(Bound);
        });

        try
        {
            // Were the stop run where the change is published (or where the timer fires), these would wait for the release.
            var publish = Task.Run(() => replica.RotateAsync(volume, ("ConnectionString", "Host=db-b")));
            Assert.True(await publish.WaitAsync(Bound));
            await Task.Run(() => clock.Advance(window)).WaitAsync(Bound);

            var onPoolThread = await stopping.Task.WaitAsync(Bound);
            Assert.False(onPoolThread, "the host's stop ran on a thread-pool thread");
            Assert.False(release.IsSet);
        }
        finally
        {
            release.Set();
        }
    }
}
