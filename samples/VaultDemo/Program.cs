// VaultDemo: what an app sees when a secret in HashiCorp Vault rotates, with no Vault. An
// in-process fake Vault (the tests' FakeVault, Kestrel on loopback) serves a KV v2 secret and a
// Kubernetes auth login; a Host reads it with FromVault and binds it to IOptionsMonitor<DbOptions>;
// the secret gets new versions in Vault, each seen at the next poll; then Vault answers 503 and the
// app keeps its values.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using K8sSecrets.Configuration;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

await using var vault = await FakeVault.StartAsync(TimeProvider.System);
using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(console => console.SingleLine = true)
    .SetMinimumLevel(LogLevel.Error));

// In a pod the kubelet projects this token; here a temp file stands in for it.
var tokenFolder = Directory.CreateTempSubdirectory("vault-demo-").FullName;
var jwtPath = Path.Join(tokenFolder, "token");
await File.WriteAllTextAsync(jwtPath, "eyJhbGciOiJSUzI1NiJ9.demo-service-account-token\n");
vault.KubernetesRole = "payments";
vault.PutKv2("payments/db", """{"username":"payments-app","password":"initial-password-0"}""");
Console.WriteLine($"Fake Vault at {vault.Address}; secret/payments/db version 1 written");

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddKubernetesSecrets(secrets =>
{
    secrets.LoggerFactory = loggerFactory;
    secrets.MinRetryDelay = TimeSpan.FromMilliseconds(100);
    secrets.FromVault(v =>
    {
        v.Address = vault.Address;                                  // https://vault.vault.svc:8200 in a cluster
        v.UseKubernetesAuth("payments", "kubernetes", jwtPath);      // UseKubernetesAuth("payments") reads the pod's token
        v.Secret("secret/payments/db", section: "Database");
        v.PollInterval = TimeSpan.FromMilliseconds(200);            // 1 minute by default
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
    vault.PutKv2("payments/db", $$"""{"username":"payments-app","password":"rotated-password-{{rotation}}-{{Guid.NewGuid():N}}"}""");
    await changed.Task.WaitAsync(TimeSpan.FromSeconds(5));
    Console.WriteLine($"Rotation {rotation}: password {Mask(before)} -> {Mask(monitor.CurrentValue.Password)} (version {rotation + 1}), seen {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms after the write (poll every 200 ms)");
}

// Vault is sealed (a restart, an upgrade): every read fails; the app keeps its last good values.
var provider = ((IConfigurationRoot)builder.Configuration).Providers.OfType<SecretsConfigurationProvider>().Single();
var kept = monitor.CurrentValue.Password;
vault.Sealed = true;
var failing = Stopwatch.StartNew();
while (provider.GetHealth().ConsecutiveFailures == 0 && failing.Elapsed < TimeSpan.FromSeconds(5))
{
    await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
}

Console.WriteLine($"Outage:     Vault sealed, {provider.GetHealth().ConsecutiveFailures} failed read(s); the app still has password {Mask(monitor.CurrentValue.Password)} (unchanged: {monitor.CurrentValue.Password == kept})");
changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
vault.Sealed = false;
vault.PutKv2("payments/db", """{"username":"payments-app","password":"rotated-after-unseal"}""");
await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
Console.WriteLine($"Recovery:   Vault unsealed; the app read the new version: password {Mask(monitor.CurrentValue.Password)}");

await host.StopAsync();
Directory.Delete(tokenFolder, recursive: true);
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
