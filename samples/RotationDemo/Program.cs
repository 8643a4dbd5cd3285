// RotationDemo: what an app sees when the kubelet rotates a mounted Secret, with no cluster.
// A temp folder is written as the kubelet's AtomicWriter writes a Secret volume (SecretVolume.cs); a Host
// reads it with AddKubernetesSecrets and binds it to IOptionsMonitor<DbOptions>; the Secret is
// rotated a few times and each change is timed from the ..data swap to OnChange.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using var volume = new SecretVolume();
using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(new LineLogger()));

volume.Publish(Secret("initial-password-0"));
Console.WriteLine($"Secret volume written kubelet-style at {volume.Root} (generation {volume.Generation})");

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddKubernetesSecrets(secrets =>
{
    secrets.LoggerFactory = loggerFactory;
    secrets.FromVolume(volume.Root, v => v.Section = "Database");
});
builder.Services.Configure<DbOptions>(builder.Configuration.GetSection("Database"));
using var host = builder.Build();
await host.StartAsync();

var monitor = host.Services.GetRequiredService<IOptionsMonitor<DbOptions>>();
var changes = 0;
var changed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
using var subscription = monitor.OnChange(_ =>
{
    Interlocked.Increment(ref changes);
    changed.TrySetResult(Stopwatch.GetTimestamp());
});

Console.WriteLine($"Start:      username={monitor.CurrentValue.Username}, password={Mask(monitor.CurrentValue.Password)}");
var latencies = new List<double>();
for (var rotation = 1; rotation <= 5; rotation++)
{
    changed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
    var before = monitor.CurrentValue.Password;
    var swappedAt = volume.Publish(Secret($"rotated-password-{rotation}-{Guid.NewGuid():N}"));
    var seenAt = await changed.Task.WaitAsync(TimeSpan.FromSeconds(5));
    var ms = Stopwatch.GetElapsedTime(swappedAt, seenAt).TotalMilliseconds;
    latencies.Add(ms);
    Console.WriteLine($"Rotation {rotation}: password {Mask(before)} -> {Mask(monitor.CurrentValue.Password)}, seen by OnChange {ms:F1} ms after the ..data swap");
    await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
}

// A writer that rewrites identical content (a new generation folder, same bytes) is no change.
var changesBefore = Volatile.Read(ref changes);
volume.Publish(Secret(monitor.CurrentValue.Password!));
await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System);
Console.WriteLine($"Resync:     a new generation ({volume.Generation}) with identical content raised {Volatile.Read(ref changes) - changesBefore} OnChange");

Directory.Delete(volume.Root, recursive: true);
await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System);
Console.WriteLine($"Outage:     the volume folder was deleted; the app still has password {Mask(monitor.CurrentValue.Password)} (last good value kept)");

latencies.Sort();
Console.WriteLine($"Summary:    {latencies.Count} rotations, median {latencies[latencies.Count / 2]:F1} ms from ..data swap to IOptionsMonitor.OnChange, max {latencies[^1]:F1} ms");
await host.StopAsync();
return 0;

static Dictionary<string, string> Secret(string password) => new()
{
    ["username"] = "payments-app",
    ["password"] = password,
};

// Shows that a value changed without showing the value: its length and a short hash.
static string Mask(string? value) => value is null
    ? "(not set)"
    : $"****({value.Length} chars, sha256:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8].ToLowerInvariant()})";

internal sealed class DbOptions
{
    public string? Username { get; set; }

    public string? Password { get; set; }
}
