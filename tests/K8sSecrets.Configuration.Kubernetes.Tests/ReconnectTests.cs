using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using K8sSecrets.Configuration.Testing;
using k8s.Autorest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using static K8sSecrets.Configuration.Kubernetes.Tests.ApiHarness;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>When the informer reconnects, and over which transport.</summary>
public sealed class ReconnectTests
{
    [Fact]
    public async Task Watch_ended_early_waits_a_random_spread_before_reconnecting()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var (time, config) = BuildOnFakeClock(h, reconnectSpread: TimeSpan.FromMinutes(1));
        await h.WatchingAsync();

        h.Server.EndWatches(); // long before the watch's timeout: an API server going away

        await Eventually.HoldsAsync(() => h.Logs.Records.Any(r => r.Id.Id == 314), "the informer waits before reconnecting");
        Assert.Single(h.Server.Watches); // the clock has not moved, so it is still waiting
        time.Advance(TimeSpan.FromMinutes(1));
        await h.WatchingAsync(2);
        h.Server.Put(Ns, "db", ("password", "two"));
        await Eventually.HoldsAsync(() => config["password"] == "two", "the new watch delivers");
    }

    [Fact]
    public async Task Watch_ended_at_its_timeout_is_renewed_at_once()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var (time, _) = BuildOnFakeClock(h, reconnectSpread: TimeSpan.FromHours(1));
        await h.WatchingAsync();

        time.Advance(TimeSpan.FromMinutes(5)); // the server's timeoutSeconds has passed
        h.Server.EndWatches();

        await h.WatchingAsync(2);
        Assert.DoesNotContain(h.Logs.Records, r => r.Id.Id == 314);
        Assert.Single(h.Server.Lists);
    }

    [Fact]
    public async Task Quiet_watch_cut_off_after_it_was_established_is_not_a_failure()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var (time, config) = BuildOnFakeClock(h, reconnectSpread: TimeSpan.FromMinutes(1));
        await h.WatchingAsync();
        time.Advance(TimeSpan.FromSeconds(30)); // open, quiet, no event yet

        h.Server.DropWatches();

        await Eventually.HoldsAsync(() => h.Logs.Records.Any(r => r.Id.Id == 314), "the informer waits a random spread");
        time.Advance(TimeSpan.FromMinutes(1));
        await h.WatchingAsync(2);
        Assert.DoesNotContain(h.Logs.Records, r => r.Id.Id == 304);
        Assert.True(h.Provider.GetHealth().IsHealthy);
        Assert.Single(h.Server.Lists);
        h.Server.Put(Ns, "db", ("password", "two"));
        await Eventually.HoldsAsync(() => config["password"] == "two", "the new watch delivers");
    }

    [Fact]
    public async Task In_stream_410_relists_even_if_the_server_keeps_the_stream_open()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        h.Server.WatchFaults.Enqueue(FakeKubeApi.ExpiredButOpen());
        var config = h.Build(o => o.SecretNames.Add("db"));
        h.Server.Put(Ns, "db", ("password", "two"));

        await Eventually.HoldsAsync(() => h.Server.Lists.Count() == 2, "the informer listed again after the 410");
        await Eventually.HoldsAsync(() => config["password"] == "two", "the value is current");
        Assert.DoesNotContain(h.Logs.Records, r => r.Id.Id == 304);
    }

    /// <summary>Watches the Secret "db" with fast retries, a fake clock, and the given reconnect spread.</summary>
    private static (FakeTimeProvider Time, IConfigurationRoot Config) BuildOnFakeClock(ApiHarness h, TimeSpan reconnectSpread)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var config = h.Build(secrets =>
        {
            secrets.TimeProvider = time;
            secrets.FromApi(o =>
            {
                h.Fast(o);
                o.SecretNames.Add("db");
                o.ReconnectSpread = reconnectSpread;
            });
        });
        return (time, config);
    }

    [Fact]
    public void Failure_descriptions_hold_status_and_retry_after_but_never_the_body()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { ReasonPhrase = "Too Many Requests" };
        response.Headers.TryAddWithoutValidation("Retry-After", "7");
        var exception = new HttpOperationException("Operation returned an invalid status code 'TooManyRequests', response body " + Sentinel)
        {
            Response = new HttpResponseMessageWrapper(response, "{\"message\":\"" + Sentinel + "\"}"),
        };

        var failure = ApiFailure.From(exception);

        Assert.Equal(429, failure.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), failure.RetryAfter);
        Assert.Contains("429", failure.Description);
        Assert.DoesNotContain(Sentinel, failure.Description);
        Assert.True(ApiFailure.IsEmptyStreamEnd(new HttpRequestException("copying", new IOException("x", new EndOfStreamException()))));
        Assert.False(ApiFailure.IsEmptyStreamEnd(new HttpRequestException("refused")));
    }

    [Fact]
    public void A_retry_after_date_becomes_a_wait_measured_on_the_sources_clock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "Thu, 01 Jan 2026 00:00:30 GMT");
        var exception = new HttpOperationException("too many") { Response = new HttpResponseMessageWrapper(response, string.Empty) };

        Assert.Equal(TimeSpan.FromSeconds(30), ApiFailure.From(exception, time).RetryAfter);
    }

    [Fact]
    public async Task Watch_works_over_tls_with_http2()
    {
        using var certificate = SelfSigned();
        await using var server = await FakeKubeApi.StartAsync(certificate);
        using var client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration
        {
            Host = server.Uri.ToString(),
            SslCaCerts = [X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert))],
        });
        server.Put(Ns, "db", ("password", "one"));
        var config = new ConfigurationBuilder()
            .AddKubernetesSecrets(s => s.FromApi(o =>
            {
                o.Namespace = Ns;
                o.Client = client;
                o.SecretNames.Add("db");
            }))
            .Build();
        try
        {
            Assert.Equal("one", config["password"]);
            await Eventually.HoldsAsync(() => server.ActiveWatches == 1, "the watch is open");
            server.Put(Ns, "db", ("password", "two"));
            await Eventually.HoldsAsync(() => config["password"] == "two", "the MODIFIED event arrives over TLS");
            Assert.All(server.Requests, r => Assert.Equal("HTTP/2", r.Protocol));
        }
        finally
        {
            (config as IDisposable)?.Dispose();
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=fake-kube-apiserver", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }
}
