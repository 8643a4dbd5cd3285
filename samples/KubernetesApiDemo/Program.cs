// KubernetesApiDemo: what an app sees when a Secret it reads through the Kubernetes API rotates,
// with no cluster. An in-process fake API server (the tests' FakeKubeApi, Kestrel on loopback)
// serves the Secret; a Host reads it with FromApi (list + watch) and binds it to
// IOptionsMonitor<DbOptions>; the Secret is updated through the "API" a few times, and then the
// watch is cut, to show that the app keeps its values and catches up.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using k8s;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

const string Namespace = "payments";
await using var api = await FakeKubeApi.StartAsync();
using var client = new Kubernetes(new KubernetesClientConfiguration { Host = api.Uri.ToString() });
using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(console => console.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning));

api.Put(Namespace, "db-credentials", ("username", "payments-app"), ("password", "initial-password-0"));
Console.WriteLine($"Fake API server at {api.Uri}; Secret {Namespace}/db-credentials created");

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddKubernetesSecrets(secrets =>
{
    secrets.LoggerFactory = loggerFactory;
    secrets.FromApi(options =>
    {
        options.Client = client;            // in a pod or with a kubeconfig, leave this out
        options.Namespace = Namespace;       // in a pod, the pod's own namespace is the default
        options.SecretNames.Add("db-credentials");
        options.Section = "Database";
        options.ReconnectSpread = TimeSpan.FromMilliseconds(500); // 10 s by default: a fleet cut off together spreads its reconnects
    });
});
builder.Services.Configure<DbOptions>(builder.Configuration.GetSection("Database"));
using var host = builder.Build();
await host.StartAsync();

var monitor = host.Services.GetRequiredService<IOptionsMonitor<DbOptions>>();
var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var subscription = monitor.OnChange(_ => changed.TrySetResult());
Console.WriteLine($"Start:      username={monitor.CurrentValue.Username}, password={Mask(monitor.CurrentValue.Password)}");

for (var rotation = 1; rotation <= 3; rotation++)
{
    changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var before = monitor.CurrentValue.Password;
    var started = Stopwatch.GetTimestamp();
    api.Put(Namespace, "db-credentials", ("username", "payments-app"), ("password", $"rotated-password-{rotation}-{Guid.NewGuid():N}"));
    await changed.Task.WaitAsync(TimeSpan.FromSeconds(5));
    Console.WriteLine($"Rotation {rotation}: password {Mask(before)} -> {Mask(monitor.CurrentValue.Password)}, seen by OnChange {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms after the update");
}

// The watch connection drops (an API server restart, a load balancer timeout) and the Secret
// changes meanwhile: the app keeps its values, lists again, and catches up.
changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
api.DropWatches();
api.Put(Namespace, "db-credentials", ("username", "payments-app"), ("password", "rotated-while-disconnected"));
await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
Console.WriteLine($"Reconnect:  the watch was cut and the Secret changed meanwhile; the app caught up within ReconnectSpread: password {Mask(monitor.CurrentValue.Password)}");

await host.StopAsync();
return 0;

// Shows that a value changed without showing the value: its length and a short hash.
static string Mask(string? value) => value is null
    ? "(none)"
    : $"****({value.Length} chars, sha256:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8].ToLowerInvariant()})";

internal sealed class DbOptions
{
    public string? Username { get; set; }

    public string? Password { get; set; }
}
