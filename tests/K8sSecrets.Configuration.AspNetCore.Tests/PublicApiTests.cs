using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sSecrets.Configuration.AspNetCore.Tests;

/// <summary>Argument checks and start-up errors of the public entry points.</summary>
public sealed class PublicApiTests : IDisposable
{
    private readonly Pki _pki = new();

    [Fact]
    public void Kestrel_extensions_check_their_arguments()
    {
        using var services = Services(withCertificate: true);
        Assert.Equal("https", Assert.Throws<ArgumentNullException>(() => KubernetesSecretsHttpsExtensions.UseKubernetesSecretsCertificate(null!, services, "Tls")).ParamName);
        Assert.Equal("section", Assert.Throws<ArgumentException>(() => new HttpsConnectionAdapterOptions().UseKubernetesSecretsCertificate(services, " ")).ParamName);
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => new HttpsConnectionAdapterOptions().UseKubernetesSecretsCertificate(null!, "Tls")).ParamName);
        Assert.Equal("https", Assert.Throws<ArgumentNullException>(() => KubernetesSecretsHttpsExtensions.RequireKubernetesSecretsClientCertificate(null!, services, "Tls")).ParamName);
        Assert.Equal("section", Assert.Throws<ArgumentException>(() => new HttpsConnectionAdapterOptions().RequireKubernetesSecretsClientCertificate(services, "")).ParamName);
    }

    [Fact]
    public void Without_the_registration_the_error_names_the_call_to_add()
    {
        using var services = new ServiceCollection().BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => new HttpsConnectionAdapterOptions().UseKubernetesSecretsCertificate(services, "Tls"));

        Assert.Contains("builder.Services.AddKubernetesSecretsTls()", error.Message);
    }

    [Fact]
    public void Without_a_usable_certificate_the_start_fails_naming_the_key()
    {
        using var services = Services(withCertificate: false);

        var error = Assert.Throws<InvalidOperationException>(() => new HttpsConnectionAdapterOptions().UseKubernetesSecretsCertificate(services, "Tls"));

        Assert.Contains("'Tls:tls.crt' is missing or empty", error.Message);
    }

    [Fact]
    public void Client_certificates_cannot_be_required_without_ca_crt()
    {
        using var services = Services(withCertificate: true);

        var error = Assert.Throws<InvalidOperationException>(() => new HttpsConnectionAdapterOptions().RequireKubernetesSecretsClientCertificate(services, "Tls"));

        Assert.Contains("'Tls' has no 'ca.crt'", error.Message);
    }

    [Fact]
    public void The_kestrel_extension_keeps_an_earlier_OnAuthenticate_and_sets_a_selector()
    {
        using var services = Services(withCertificate: true);
        var https = new HttpsConnectionAdapterOptions();
        var earlier = 0;
        https.OnAuthenticate = (_, _) => earlier++;

        https.UseKubernetesSecretsCertificate(services, "Tls");
        var ssl = new System.Net.Security.SslServerAuthenticationOptions();
        https.OnAuthenticate!(null!, ssl);

        Assert.Equal(1, earlier);
        Assert.NotNull(ssl.ServerCertificateContext);
        Assert.NotNull(https.ServerCertificateSelector!(null, null));
    }

    [Fact]
    public void HttpClient_extension_checks_its_arguments()
    {
        var builder = new ServiceCollection().AddHttpClient("payments");
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => KubernetesSecretsTlsHttpClientBuilderExtensions.UseKubernetesSecretsClientCertificate(null!, "ClientTls")).ParamName);
        Assert.Equal("section", Assert.Throws<ArgumentException>(() => builder.UseKubernetesSecretsClientCertificate(" ")).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => builder.UseKubernetesSecretsClientCertificate("ClientTls", null!)).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentOutOfRangeException>(() => builder.UseKubernetesSecretsClientCertificate("ClientTls", o => o.RetiredConnectionLifetime = TimeSpan.FromSeconds(-1))).ParamName);
    }

    [Fact]
    public void Registering_twice_registers_once()
    {
        var services = new ServiceCollection().AddKubernetesSecretsTls().AddKubernetesSecretsTls();

        Assert.Single(services, d => d.ServiceType == typeof(KubernetesSecretsCertificates));
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => KubernetesSecretsTlsServiceCollectionExtensions.AddKubernetesSecretsTls(null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => KubernetesSecretsTlsHealthChecksBuilderExtensions.AddKubernetesSecretsTls(null!)).ParamName);
    }

    public void Dispose() => _pki.Dispose();

    private ServiceProvider Services(bool withCertificate)
    {
        var values = new Dictionary<string, string?>();
        if (withCertificate)
        {
            var leaf = _pki.Issue();
            values["Tls:tls.crt"] = leaf.Chain;
            values["Tls:tls.key"] = leaf.KeyPem;
        }

        return new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddKubernetesSecretsTls()
            .BuildServiceProvider();
    }
}
