using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace K8sSecrets.Configuration.HealthChecks.Tests;

/// <summary>The web sample in a test server: a mounted Secret rotates, /healthz and /metrics react.</summary>
public sealed class WebApiSampleTests
{
    private const string Sentinel = "s3ntinel-web-password";

    [Fact]
    public async Task A_rotation_reaches_the_options_metrics_and_health_and_an_expired_certificate_fails_health()
    {
        using var volume = new KubeletVolume();
        volume.Write(("User", "app"), ("Password", Sentinel));
        await using var factory = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(web => web.UseSetting("Secrets:Path", volume.Root));
        using var client = factory.CreateClient();

        Assert.Contains("\"user\":\"app\"", await client.GetStringAsync("/db"), StringComparison.Ordinal);
        var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var body = await health.Content.ReadAsStringAsync();
        Assert.Contains("\"status\":\"Healthy\"", body, StringComparison.Ordinal);
        Assert.Contains(volume.Root, body, StringComparison.Ordinal);
        // The first load happens while the configuration is built, before the MeterProvider listens.
        var changesBefore = Value(await client.GetStringAsync("/metrics"), "k8ssecrets_changes_total", volume.Root, orNull: true) ?? 0;

        // Rotate: a new user and a certificate that expires in 2 days.
        var soon = DateTimeOffset.UtcNow.AddDays(2);
        volume.Write(("User", "app2"), ("Password", Sentinel + "2"), ("tls.crt", Certificates.SelfSignedPem(soon)));
        await Eventually.HoldsAsync(() => client.GetStringAsync("/db").Result.Contains("\"user\":\"app2\"", StringComparison.Ordinal), "the rotation reaches IOptionsMonitor");

        health = await client.GetAsync("/healthz");
        body = await health.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"status\":\"Degraded\"", body, StringComparison.Ordinal);
        Assert.Contains("Db:tls.crt", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, body, StringComparison.Ordinal);

        // The exporter caches a scrape for a moment: scrape until the rotation shows.
        var metrics = string.Empty;
        await Eventually.HoldsAsync(
            () =>
            {
                metrics = client.GetStringAsync("/metrics").Result;
                return Value(metrics, "k8ssecrets_changes_total", volume.Root, orNull: true) > changesBefore
                    && Value(metrics, "k8ssecrets_expiry_seconds", volume.Root, orNull: true) is not null;
            },
            "k8ssecrets_changes_total grew and the certificate's expiry is exported");
        var expiry = Value(metrics, "k8ssecrets_expiry_seconds", volume.Root);
        Assert.InRange(expiry, TimeSpan.FromDays(1.9).TotalSeconds, TimeSpan.FromDays(2).TotalSeconds);
        // A counter that never counted is not exported: no refresh of this app failed (another test in the process may have).
        foreach (var name in MonitoringFilesTests.EmittedPrometheusNames().Where(n => n != "k8ssecrets_refresh_failures_total"))
        {
            Assert.Contains(name, metrics, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Sentinel, metrics, StringComparison.Ordinal);

        // An expired certificate: Unhealthy, 503.
        volume.Write(("User", "app3"), ("Password", Sentinel), ("tls.crt", Certificates.SelfSignedPem(DateTimeOffset.UtcNow.AddMinutes(-5))));
        await Eventually.HoldsAsync(() => client.GetAsync("/healthz").Result.StatusCode == HttpStatusCode.ServiceUnavailable, "an expired certificate makes the app unhealthy");
    }

    private static double Value(string metrics, string name, string source)
        => Value(metrics, name, source, orNull: false)!.Value;

    private static double? Value(string metrics, string name, string source, bool orNull)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains($"source_name=\"{source}\"", StringComparison.Ordinal));
        if (line is null)
        {
            return orNull ? null : throw new Xunit.Sdk.XunitException($"{name} for {source} is not on /metrics:\n{metrics}");
        }

        var value = Regex.Match(line, @"\}\s+(\S+)").Groups[1].Value;
        return double.Parse(value, CultureInfo.InvariantCulture);
    }
}
