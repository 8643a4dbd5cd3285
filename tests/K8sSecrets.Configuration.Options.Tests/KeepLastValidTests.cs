using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Options.Tests;

public sealed class KeepLastValidTests
{
    [Fact]
    public async Task Readers_on_several_threads_never_see_an_exception_through_100_alternating_rotations_and_every_valid_one_is_published()
    {
        using var volume = new KubeletVolume();
        volume.Write(("User", "app"), ("Password", "valid-000"));
        using var host = RotationHost.Build(volume.Root, b => b.Services
            .AddOptions<LoopDbOptions>().BindConfiguration("Database").ValidateDataAnnotations().ValidateOnStart().KeepLastValidOnReload());
        using var rejected = new MetricCollector<long>(null, "K8sSecrets.Configuration", "k8ssecrets.options.rejected");
        await host.Host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<LoopDbOptions>>();
        var published = new List<string?>();
        using var subscription = monitor.OnChange(o =>
        {
            lock (published)
            {
                published.Add(o.Password);
            }
        });

        using var stop = new CancellationTokenSource();
        long reads = 0;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var password = monitor.CurrentValue.Password;
                    if (password is null || password.Length < 8)
                    {
                        errors.Enqueue(new InvalidOperationException("an invalid instance was served"));
                    }

                    Interlocked.Increment(ref reads);
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
            }
        })).ToArray();

        await Eventually.HoldsAsync(() => Interlocked.Read(ref reads) > 0, "the readers are running");
        var readsBefore = Interlocked.Read(ref reads);
        var expected = new List<string?>();
        for (var i = 1; i <= 100; i++)
        {
            if (i % 2 == 1)
            {
                var password = $"valid-{i:000}";
                expected.Add(password);
                Assert.True(await host.RotateAsync(volume, ("User", "app"), ("Password", password)));
                Assert.Equal(password, monitor.CurrentValue.Password);
            }
            else
            {
                // Invalid rotations alternate between a too-short and an empty password.
                Assert.True(await host.RotateAsync(volume, ("User", "app"), ("Password", i % 4 == 0 ? string.Empty : "short")));
                Assert.Equal(expected[^1], monitor.CurrentValue.Password);
                Assert.Equal(i % 4 == 0 ? string.Empty : "short", host.Root["Database:Password"]);
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Empty(errors);
        Assert.True(Interlocked.Read(ref reads) > readsBefore, "the readers ran during the rotations");
        lock (published)
        {
            Assert.Equal(expected, published);
        }

        Assert.Equal(50, rejected.GetMeasurementSnapshot()
            .Count(m => Equals(m.Tags["options.type"], typeof(LoopDbOptions).FullName) && m.Value == 1));
        Assert.Equal(50, host.Logs.Records.Count(r => r.Id.Name == "OptionsRejected"));
    }

    [Fact]
    public async Task Without_KeepLastValidOnReload_the_same_invalid_rotation_makes_CurrentValue_throw()
    {
        using var volume = new KubeletVolume();
        volume.Write(("User", "app"), ("Password", "valid-000"));
        using var host = RotationHost.Build(volume.Root, b => b.Services
            .AddOptions<DbOptions>().BindConfiguration("Database").ValidateDataAnnotations().ValidateOnStart());
        await host.Host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DbOptions>>();
        Assert.Equal("valid-000", monitor.CurrentValue.Password);

        await host.RotateAsync(volume, ("User", "app"), ("Password", "short"));

        Assert.Throws<OptionsValidationException>(() => monitor.CurrentValue);
    }

    [Fact]
    public async Task Invalid_options_at_start_still_fail_the_host_and_the_first_read()
    {
        using var volume = new KubeletVolume();
        volume.Write(("User", "app"), ("Password", "short"));
        using (var host = RotationHost.Build(volume.Root, b => b.Services
            .AddOptions<DbOptions>().BindConfiguration("Database").ValidateDataAnnotations().ValidateOnStart().KeepLastValidOnReload()))
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync());
            Assert.Contains("Password", error.Message, StringComparison.Ordinal);
        }

        using (var host = RotationHost.Build(volume.Root, b => b.Services
            .AddOptions<DbOptions>().BindConfiguration("Database").ValidateDataAnnotations().KeepLastValidOnReload()))
        {
            await host.Host.StartAsync();
            var monitor = host.Services.GetRequiredService<IOptionsMonitor<DbOptions>>();
            Assert.Throws<OptionsValidationException>(() => monitor.CurrentValue);

            // Once valid options arrive they are published, and from then on they are kept.
            await host.RotateAsync(volume, ("User", "app"), ("Password", "valid-001"));
            Assert.Equal("valid-001", monitor.CurrentValue.Password);
            await host.RotateAsync(volume, ("User", "app"), ("Password", "short"));
            Assert.Equal("valid-001", monitor.CurrentValue.Password);
        }
    }

    [Fact]
    public async Task A_rotation_seen_by_the_volume_watcher_is_kept_out_logged_by_member_and_the_next_valid_one_arrives()
    {
        using var volume = new KubeletVolume();
        volume.Write(("User", "app"), ("Password", "valid-000"));
        using var host = RotationHost.Build(
            volume.Root,
            b => b.Services.AddOptions<WatchedDbOptions>().BindConfiguration("Database").ValidateDataAnnotations().ValidateOnStart().KeepLastValidOnReload(),
            watch: true);
        await host.Host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<WatchedDbOptions>>();
        var published = new List<string?>();
        using var subscription = monitor.OnChange(o =>
        {
            lock (published)
            {
                published.Add(o.Password);
            }
        });

        volume.Write(("User", string.Empty), ("Password", "short"));
        await Eventually.HoldsAsync(() => host.Logs.Records.Any(r => r.Id.Name == "OptionsRejected"), "the invalid rotation is logged");
        Assert.Equal("valid-000", monitor.CurrentValue.Password);
        Assert.Equal("app", monitor.CurrentValue.User);
        var record = host.Logs.Records.Single(r => r.Id.Name == "OptionsRejected");
        Assert.Equal("Password, User", record.StructuredState!.Single(s => s.Key == "Members").Value);
        Assert.Equal(typeof(WatchedDbOptions).FullName, record.StructuredState!.Single(s => s.Key == "OptionsType").Value);

        volume.Write(("User", "app"), ("Password", "valid-001"));
        await Eventually.HoldsAsync(() => monitor.CurrentValue.Password == "valid-001", "the next valid rotation is published");
        await Eventually.HoldsAsync(
            () =>
            {
                lock (published)
                {
                    return published.Count > 0;
                }
            },
            "OnChange has run (it runs just after CurrentValue is swapped)");
        lock (published)
        {
            Assert.Equal(["valid-001"], published);
        }
    }

    [Fact]
    public async Task Only_the_named_options_marked_keep_their_last_valid_value_and_snapshots_follow_the_monitor()
    {
        using var volume = new KubeletVolume();
        volume.Write(("User", "app"), ("Password", "valid-000"));
        using var host = RotationHost.Build(volume.Root, b =>
        {
            b.Services.AddOptions<NamedDbOptions>("primary").BindConfiguration("Database").ValidateDataAnnotations().KeepLastValidOnReload();
            b.Services.AddOptions<NamedDbOptions>("replica").BindConfiguration("Database").ValidateDataAnnotations();
        });
        await host.Host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<NamedDbOptions>>();
        Assert.Equal("valid-000", monitor.Get("primary").Password);
        Assert.Equal("valid-000", monitor.Get("replica").Password);

        await host.RotateAsync(volume, ("User", "app"), ("Password", "short"));

        Assert.Equal("valid-000", monitor.Get("primary").Password);
        Assert.Throws<OptionsValidationException>(() => monitor.Get("replica"));
        using (var scope = host.Services.CreateScope())
        {
            var snapshot = scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<NamedDbOptions>>();
            Assert.Equal("valid-000", snapshot.Get("primary").Password);
            Assert.Throws<OptionsValidationException>(() => snapshot.Get("replica"));
        }

        await host.RotateAsync(volume, ("User", "app"), ("Password", "valid-001"));
        Assert.Equal("valid-001", monitor.Get("primary").Password);
        Assert.Equal("valid-001", monitor.Get("replica").Password);
        using (var scope = host.Services.CreateScope())
        {
            Assert.Equal("valid-001", scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<NamedDbOptions>>().Get("primary").Password);
        }
    }
}
