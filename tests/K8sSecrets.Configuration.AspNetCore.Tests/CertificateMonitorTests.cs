using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.AspNetCore.Tests;

/// <summary>The checks a published generation passes before handshakes use it, on an in-memory configuration and a fake clock.</summary>
public sealed class CertificateMonitorTests : IDisposable
{
    private readonly Pki _pki = new();
    private readonly LogCapture _logs = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly IConfigurationRoot _configuration = new ConfigurationBuilder().AddInMemoryCollection().Build();

    [Theory]
    [InlineData(KeyFormat.Pkcs1, true)]
    [InlineData(KeyFormat.Pkcs8, true)]
    [InlineData(KeyFormat.Pkcs8, false)]
    [InlineData(KeyFormat.Ec, false)]
    public void Takes_a_leaf_with_its_key_in_each_PEM_format_and_keeps_the_intermediates(KeyFormat format, bool rsa)
    {
        var leaf = _pki.Issue(format, rsa);
        using var monitor = Start(leaf.Chain, leaf.KeyPem, _pki.RootPem);

        var current = monitor.GetRequired();
        Assert.Equal(leaf.Thumbprint, current.Thumbprint);
        Assert.True(current.Certificate.HasPrivateKey);
        Assert.Equal(_pki.Intermediate.Thumbprint, Assert.Single(current.Intermediates).Thumbprint);
        Assert.Equal(_pki.Root.Thumbprint, Assert.Single(current.Authorities!).Thumbprint);
        Assert.Null(monitor.Refusal);
    }

    [Fact]
    public void A_key_of_another_certificate_is_refused_and_the_last_good_pair_stays()
    {
        var first = _pki.Issue();
        using var monitor = Start(first.Chain, first.KeyPem, _pki.RootPem);
        var published = 0;
        monitor.Published += _ => published++;
        var second = _pki.Issue();
        var third = _pki.Issue();

        Publish(second.Chain, third.KeyPem, _pki.RootPem);

        Assert.Equal(first.Thumbprint, monitor.GetRequired().Thumbprint);
        Assert.Equal(0, published);
        Assert.Contains("'Tls:tls.key' does not match the certificate in 'Tls:tls.crt'", monitor.Refusal);
        Assert.Contains(second.Thumbprint, monitor.Refusal);
        var warning = Assert.Single(_logs.Records, r => r.Id.Name == "TlsCertificateRefused");
        Assert.Contains(first.Thumbprint, warning.Message);
        foreach (var leaf in (Leaf[])[first, second, third])
        {
            _logs.AssertNoSentinel(leaf.KeySentinel);
        }
    }

    [Fact]
    public void A_key_of_another_algorithm_is_refused()
    {
        var first = _pki.Issue();
        using var monitor = Start(first.Chain, first.KeyPem, null);
        var rsa = _pki.Issue(KeyFormat.Pkcs1, rsa: true);

        Publish(rsa.Chain, first.KeyPem, null);

        Assert.Equal(first.Thumbprint, monitor.GetRequired().Thumbprint);
        Assert.Contains("'Tls:tls.key' does not match the certificate in 'Tls:tls.crt'", monitor.Refusal);
        Assert.Contains("another type", monitor.Refusal);
    }

    [Fact]
    public void A_chain_written_intermediate_first_is_refused_saying_the_leaf_must_come_first()
    {
        var first = _pki.Issue();
        using var monitor = Start(first.Chain, first.KeyPem, null);
        var second = _pki.Issue();
        var parts = second.Chain.Split("-----END CERTIFICATE-----", StringSplitOptions.RemoveEmptyEntries);
        var reversed = parts[1].Trim() + "\n-----END CERTIFICATE-----\n" + parts[0].Trim() + "\n-----END CERTIFICATE-----\n";

        Publish(reversed, second.KeyPem, null);

        Assert.Equal(first.Thumbprint, monitor.GetRequired().Thumbprint);
        Assert.StartsWith("'Tls:tls.crt' must start with the leaf: 'Tls:tls.key' matches its certificate number 2", monitor.Refusal);
        Assert.Contains(second.Thumbprint, monitor.Refusal);
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        var first = _pki.Issue();
        using var monitor = Start(first.Chain, first.KeyPem, null);
        var expired = _pki.Issue(notBefore: _time.GetUtcNow().AddDays(-2), notAfter: _time.GetUtcNow().AddDays(-1));

        Publish(expired.Chain, expired.KeyPem, null);

        Assert.Equal(first.Thumbprint, monitor.GetRequired().Thumbprint);
        Assert.Contains("expired at", monitor.Refusal);
        Assert.Contains(expired.Thumbprint, monitor.Refusal);
    }

    [Fact]
    public void A_certificate_not_yet_valid_is_refused_then_taken_when_it_becomes_valid()
    {
        var first = _pki.Issue();
        using var monitor = Start(first.Chain, first.KeyPem, null);
        var early = _pki.Issue(notBefore: _time.GetUtcNow().AddMinutes(30));

        Publish(early.Chain, early.KeyPem, null);
        Assert.Equal(first.Thumbprint, monitor.GetRequired().Thumbprint);
        Assert.Contains("is not valid before", monitor.Refusal);

        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(first.Thumbprint, monitor.GetRequired().Thumbprint);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(early.Thumbprint, monitor.GetRequired().Thumbprint);
        Assert.Null(monitor.Refusal);
    }

    [Fact]
    public void A_reload_that_did_not_change_the_section_builds_nothing()
    {
        var first = _pki.Issue();
        using var monitor = Start(first.Chain, first.KeyPem, null);
        var before = monitor.GetRequired();

        _configuration["Other"] = "value";
        _configuration.Reload();

        Assert.Same(before, monitor.GetRequired());
        Assert.Single(_logs.Records, r => r.Id.Name == "TlsCertificatePublished");
    }

    [Theory]
    [InlineData("tls.crt", "'Tls:tls.crt' is missing or empty")]
    [InlineData("tls.key", "'Tls:tls.key' is missing or empty")]
    public void A_missing_key_is_refused_naming_it(string missing, string reason)
    {
        var first = _pki.Issue();
        using var monitor = Start(first.Chain, first.KeyPem, null);

        _configuration["Tls:" + missing] = null;
        _configuration.Reload();

        Assert.Equal(first.Thumbprint, monitor.GetRequired().Thumbprint);
        Assert.Equal(reason, monitor.Refusal);
    }

    [Theory]
    [InlineData("tls.crt", "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n", "'Tls:tls.crt' holds no readable PEM certificate")]
    [InlineData("ca.crt", "just text", "'Tls:ca.crt' holds no readable PEM certificate")]
    [InlineData("tls.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "'Tls:tls.key' is not a PEM private key")]
    public void Unreadable_values_are_refused_naming_the_key(string key, string value, string reason)
    {
        var first = _pki.Issue();
        using var monitor = Start(first.Chain, first.KeyPem, _pki.RootPem);

        _configuration["Tls:" + key] = value;
        _configuration.Reload();

        Assert.Equal(first.Thumbprint, monitor.GetRequired().Thumbprint);
        Assert.StartsWith(reason, monitor.Refusal);
    }

    [Fact]
    public void An_oversized_value_is_refused_before_it_is_parsed()
    {
        var first = _pki.Issue();
        using var monitor = Start(first.Chain, first.KeyPem, null);

        Publish(first.Chain + new string('x', TlsMaterialReader.MaxPemChars), first.KeyPem, null);

        Assert.Equal(first.Thumbprint, monitor.GetRequired().Thumbprint);
        Assert.Contains("longer than", monitor.Refusal);
    }

    [Fact]
    public void With_nothing_usable_the_error_names_the_section_the_reason_and_the_fix()
    {
        using var monitor = new CertificateMonitor(_configuration, "Tls", _logs.Factory.CreateLogger("tls"), _time);

        var error = Assert.Throws<InvalidOperationException>(() => monitor.GetRequired());

        Assert.Contains("'Tls:tls.crt' is missing or empty", error.Message);
        Assert.Contains("mount the kubernetes.io/tls Secret there", error.Message);
    }

    [Fact]
    public void After_dispose_a_reload_changes_nothing()
    {
        var first = _pki.Issue();
        var monitor = Start(first.Chain, first.KeyPem, null);
        monitor.Dispose();
        var second = _pki.Issue();

        Publish(second.Chain, second.KeyPem, null);

        Assert.Equal(first.Thumbprint, monitor.GetRequired().Thumbprint);
    }

    public void Dispose()
    {
        _logs.Dispose();
        _pki.Dispose();
    }

    private CertificateMonitor Start(string chain, string key, string? ca)
    {
        Set(chain, key, ca);
        return new CertificateMonitor(_configuration, "Tls", _logs.Factory.CreateLogger("tls"), _time);
    }

    private void Publish(string chain, string key, string? ca)
    {
        Set(chain, key, ca);
        _configuration.Reload();
    }

    private void Set(string chain, string key, string? ca)
    {
        _configuration["Tls:tls.crt"] = chain;
        _configuration["Tls:tls.key"] = key;
        _configuration["Tls:ca.crt"] = ca;
    }
}
