using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.AspNetCore.Tests;

/// <summary>The client handler's generations: one per accepted certificate, the old one disposed after its retirement time.</summary>
public sealed class RotatingClientHandlerTests : IDisposable
{
    private readonly Pki _pki = new();
    private readonly LogCapture _logs = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly IConfigurationRoot _configuration = new ConfigurationBuilder().AddInMemoryCollection().Build();

    [Fact]
    public void A_publish_starts_a_new_handler_and_the_old_one_is_disposed_after_its_retirement_time()
    {
        Publish(_pki.Issue());
        using var monitor = new CertificateMonitor(_configuration, "ClientTls", _logs.Factory.CreateLogger("tls"), _time);
        var options = new KubernetesSecretsClientCertificateOptions { RetiredConnectionLifetime = TimeSpan.FromSeconds(30) };
        using var handler = new RotatingClientHandler(monitor, options, _time);
        var first = handler.Current();
        Assert.Same(first, handler.Current());

        Publish(_pki.Issue());
        var second = handler.Current();

        Assert.NotSame(first, second);
        Assert.Equal(2, handler.HandlersBuilt);
        Assert.Equal(1, handler.RetiredCount);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, handler.RetiredCount);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, handler.RetiredCount);
        Assert.Throws<ObjectDisposedException>(() => first.Send(new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.1/"), CancellationToken.None));
    }

    [Fact]
    public void A_reload_that_keeps_the_certificate_keeps_the_handler()
    {
        Publish(_pki.Issue());
        using var monitor = new CertificateMonitor(_configuration, "ClientTls", _logs.Factory.CreateLogger("tls"), _time);
        using var handler = new RotatingClientHandler(monitor, new KubernetesSecretsClientCertificateOptions(), _time);
        var first = handler.Current();

        _configuration["Unrelated"] = "x";
        _configuration.Reload();

        Assert.Same(first, handler.Current());
        Assert.Equal(1, handler.HandlersBuilt);
    }

    [Fact]
    public void Dispose_disposes_the_current_and_the_retired_handlers()
    {
        Publish(_pki.Issue());
        using var monitor = new CertificateMonitor(_configuration, "ClientTls", _logs.Factory.CreateLogger("tls"), _time);
        var handler = new RotatingClientHandler(monitor, new KubernetesSecretsClientCertificateOptions(), _time);
        var first = handler.Current();
        Publish(_pki.Issue());
        var second = handler.Current();

        handler.Dispose();

        Assert.Equal(0, handler.RetiredCount);
        var request = () => new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.1/");
        Assert.Throws<ObjectDisposedException>(() => first.Send(request(), CancellationToken.None));
        Assert.Throws<ObjectDisposedException>(() => second.Send(request(), CancellationToken.None));
        Assert.Throws<ObjectDisposedException>(() => handler.Current());
    }

    public void Dispose()
    {
        _logs.Dispose();
        _pki.Dispose();
    }

    private void Publish(Leaf leaf)
    {
        _configuration["ClientTls:tls.crt"] = leaf.Chain;
        _configuration["ClientTls:tls.key"] = leaf.KeyPem;
        _configuration.Reload();
    }
}
