using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.AspNetCore.Tests;

/// <summary>The TLS health check on a fake clock: what a certificate in use near or past its NotAfter reports.</summary>
public sealed class TlsHealthCheckTests : IDisposable
{
    private readonly Pki _pki = new();
    private readonly LogCapture _logs = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly IConfigurationRoot _configuration = new ConfigurationBuilder().AddInMemoryCollection().Build();

    [Fact]
    public async Task With_no_section_in_use_it_is_healthy()
    {
        using var certificates = new KubernetesSecretsCertificates(_configuration, _logs.Factory, _time);

        var result = await new KubernetesSecretsTlsHealthCheck(certificates).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Empty(result.Data);
    }

    [Fact]
    public async Task A_certificate_in_use_is_degraded_within_7_days_of_its_NotAfter_and_unhealthy_after_it()
    {
        var leaf = _pki.Issue(notAfter: _time.GetUtcNow().AddDays(10));
        _configuration["Tls:tls.crt"] = leaf.Chain;
        _configuration["Tls:tls.key"] = leaf.KeyPem;
        using var certificates = new KubernetesSecretsCertificates(_configuration, _logs.Factory, _time);
        certificates.Get("Tls");
        var check = new KubernetesSecretsTlsHealthCheck(certificates);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);

        _time.Advance(TimeSpan.FromDays(4));
        var soon = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, soon.Status);
        Assert.Contains($"TLS 'Tls' serves certificate {leaf.Thumbprint}, which expires at", soon.Description);

        _time.Advance(TimeSpan.FromDays(7));
        var expired = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, expired.Status);
        Assert.Contains("which expired at", expired.Description);
        Assert.Contains(leaf.Thumbprint, (string)expired.Data["Tls"]);
        _logs.AssertNoSentinel(leaf.KeySentinel);
    }

    [Fact]
    public async Task A_section_with_nothing_usable_is_unhealthy_and_names_the_reason()
    {
        using var certificates = new KubernetesSecretsCertificates(_configuration, _logs.Factory, _time);
        certificates.Get("Tls");

        var result = await new KubernetesSecretsTlsHealthCheck(certificates).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("TLS 'Tls' has no usable certificate: 'Tls:tls.crt' is missing or empty", result.Description);
    }

    public void Dispose()
    {
        _logs.Dispose();
        _pki.Dispose();
    }
}
