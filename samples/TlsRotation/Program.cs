// TlsRotation: Kestrel serves HTTPS with the certificate of a mounted kubernetes.io/tls Secret while
// client loops hammer it and the Secret is rotated every few seconds, as cert-manager renews it. No
// cluster: a temp folder is written exactly as the kubelet writes a Secret volume. Prints the
// certificate each new connection saw (once per certificate), the failed requests (expected: 0),
// and the time from the kubelet's ..data swap to the first handshake that presents the new
// certificate. Arguments: [seconds = 10] [rotations = 5] [clients = 4].
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Https;

var seconds = args.Length > 0 ? int.Parse(args[0]) : 10;
var rotations = args.Length > 1 ? int.Parse(args[1]) : 5;
var clients = args.Length > 2 ? int.Parse(args[2]) : 4;

using var pki = new Pki("Demo");
using var volume = new KubeletVolume();
volume.Write(pki.Issue().Secret(pki.RootPem));

// The server: the Secret's keys land under "Tls:" in configuration; Kestrel takes its certificate from there.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Configuration.AddKubernetesSecrets(secrets => secrets.FromVolume(volume.Root, v => v.Section = "Tls"));
builder.Services.AddKubernetesSecretsTls();
var firstSeen = new ConcurrentDictionary<string, long>();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
{
    listen.UseHttps(https => https.UseKubernetesSecretsCertificate(kestrel.ApplicationServices, "Tls"));
    listen.Use(next => connection =>
    {
        var thumbprint = ((X509Certificate2)connection.Features.Get<SslStream>()!.LocalCertificate!).Thumbprint;
        firstSeen.TryAdd(thumbprint, Stopwatch.GetTimestamp());
        return next(connection);
    });
}));
await using var app = builder.Build();
app.MapGet("/", () => "ok");
await app.StartAsync();
var address = new Uri(app.Urls.First());
Console.WriteLine($"Kestrel on {address}, certificate from {volume.Root}; {clients} clients for {seconds} s, {rotations} rotations.");

// The clients: trust the demo root only (so the intermediate must be served); even ones keep their
// pooled connection, odd ones open a new connection per request.
var requests = 0;
var failures = 0;
var newConnections = 0;
using var stop = new CancellationTokenSource();
var loops = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
{
    var seen = new HashSet<string>();
    using var pooled = Client(i, seen);
    while (!stop.IsCancellationRequested)
    {
        try
        {
            if (i % 2 == 0)
            {
                (await pooled.GetAsync(address)).EnsureSuccessStatusCode();
            }
            else
            {
                using var fresh = Client(i, seen);
                (await fresh.GetAsync(address)).EnsureSuccessStatusCode();
            }
        }
        catch (HttpRequestException e)
        {
            Interlocked.Increment(ref failures);
            Console.WriteLine($"client {i}: FAILED {e.Message}");
        }

        Interlocked.Increment(ref requests);
    }
})).ToArray();

// cert-manager's renewals, one every seconds/rotations: a new leaf (RSA and ECDSA in turn) with its intermediate.
var swaps = new List<(long At, string Thumbprint)>();
var interval = TimeSpan.FromSeconds((double)seconds / (rotations + 1));
for (var rotation = 1; rotation <= rotations; rotation++)
{
    await Task.Delay(interval);
    var leaf = pki.Issue(rotation % 2 == 0 ? KeyFormat.Ec : KeyFormat.Pkcs1, rsa: rotation % 2 == 1);
    await volume.WriteAsync(leaf.Secret(pki.RootPem), step =>
    {
        if (step == KubeletStep.CreateVisibleLinks)
        {
            swaps.Add((Stopwatch.GetTimestamp(), leaf.Thumbprint));
        }

        return Task.CompletedTask;
    });
}

await Task.Delay(interval);
await stop.CancelAsync();
await Task.WhenAll(loops);
await app.StopAsync();

var latencies = swaps
    .Where(s => firstSeen.ContainsKey(s.Thumbprint))
    .Select(s => (firstSeen[s.Thumbprint] - s.At) * 1000.0 / Stopwatch.Frequency)
    .Order()
    .ToArray();
Console.WriteLine($"requests {requests}, new connections {newConnections}, failed {failures}; rotations {swaps.Count}, each seen by a new handshake: {latencies.Length == swaps.Count}");
if (latencies.Length > 0)
{
    Console.WriteLine($"kubelet swap to first handshake with the new certificate: p50 {Percentile(0.5):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {latencies[^1]:0.0} ms");
}

return failures == 0 && latencies.Length == swaps.Count ? 0 : 1;

double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];

HttpClient Client(int client, HashSet<string> seen)
{
    var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
    policy.CustomTrustStore.Add(pki.Root);
    var handler = new SocketsHttpHandler();
    handler.SslOptions.CertificateChainPolicy = policy;
    handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
    {
        Interlocked.Increment(ref newConnections);
        var thumbprint = ((X509Certificate2)certificate!).Thumbprint;
        lock (seen)
        {
            if (seen.Add(thumbprint))
            {
                Console.WriteLine($"client {client} ({(client % 2 == 0 ? "pooled" : "new connection per request")}): new connection saw {thumbprint}");
            }
        }

        return errors == SslPolicyErrors.None;
    };
    return new HttpClient(handler);
}
