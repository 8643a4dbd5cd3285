using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Vault.Tests;

public sealed class TlsTests
{
    [Fact]
    public async Task A_pem_ca_bundle_is_trusted_and_a_pem_client_certificate_is_presented()
    {
        using var pki = new TestPki();
        var clock = new TestClock();
        await using var vault = await FakeVault.StartAsync(clock, pki.Server);
        vault.PutKv2("app", """{"color":"blue"}""");
        var token = vault.CreateToken("hvs.tls-token", TimeSpan.FromHours(1), TimeSpan.FromHours(2));

        var config = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.TimeProvider = clock;
            secrets.FromVault(v =>
            {
                v.Address = new Uri($"https://127.0.0.1:{vault.Address.Port}");
                v.CaCertificatePath = pki.CaPath;
                v.ClientCertificatePath = pki.ClientCertificatePath;
                v.ClientKeyPath = pki.ClientKeyPath;
                v.UseToken(token).Secret("secret/app");
            });
        }).Build();
        using var disposable = (IDisposable)config;

        Assert.Equal("blue", config["color"]);
        Assert.Equal("CN=payments-client", vault.LastClientCertificateSubject);
    }

    [Fact]
    public async Task Verification_stays_on_so_a_server_certificate_outside_the_trusted_roots_fails_the_build()
    {
        using var pki = new TestPki();
        var clock = new TestClock();
        await using var vault = await FakeVault.StartAsync(clock, pki.Server);
        var token = vault.CreateToken("hvs.tls-token", TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        var builder = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.TimeProvider = clock;
            secrets.FromVault(v =>
            {
                v.Address = new Uri($"https://127.0.0.1:{vault.Address.Port}");
                v.UseToken(token).Secret("secret/app");
            });
        });

        var error = Assert.Throws<SecretSourceException>(() => builder.Build());

        Assert.Contains("TLS handshake with Vault at https://127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("system trust store", error.Message, StringComparison.Ordinal);
        Assert.Empty(vault.Requests);
    }

    [Fact]
    public async Task A_bundle_with_only_the_root_trusts_a_server_certificate_issued_by_an_intermediate()
    {
        using var pki = new Testing.TestCertificates("127.0.0.1", withIntermediate: true);
        var config = await BuildOverTlsAsync(pki, v => v.CaCertificatePath = pki.RootBundlePath);

        Assert.Equal("blue", config["color"]);
        ((IDisposable)config).Dispose();
    }

    [Fact]
    public async Task The_host_name_is_still_checked_with_a_ca_bundle_and_the_error_names_tls_and_the_bundle()
    {
        using var pki = new Testing.TestCertificates("vault.other.example", withIntermediate: true);

        var error = await Assert.ThrowsAsync<SecretSourceException>(() => BuildOverTlsAsync(pki, v => v.CaCertificatePath = pki.RootBundlePath));

        Assert.Contains("TLS handshake", error.Message, StringComparison.Ordinal);
        Assert.Contains(pki.RootBundlePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("name does not match", error.Message, StringComparison.Ordinal);
    }

    private static async Task<IConfigurationRoot> BuildOverTlsAsync(Testing.TestCertificates pki, Action<VaultSecretOptions> configure)
    {
        var clock = new TestClock();
        await using var vault = await FakeVault.StartAsync(clock, pki.Server, pki.ServedChain);
        vault.PutKv2("app", """{"color":"blue"}""");
        var token = vault.CreateToken("hvs.tls-token", TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        return new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.TimeProvider = clock;
            secrets.FromVault(v =>
            {
                v.Address = new Uri($"https://127.0.0.1:{vault.Address.Port}");
                v.UseToken(token).Secret("secret/app");
                configure(v);
            });
        }).Build();
    }

    /// <summary>A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files.</summary>
    private sealed class TestPki : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("vault-pki-").FullName;

        public TestPki()
        {
            var now = DateTimeOffset.Now;
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=Test Vault CA", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
            CaPath = Path.Combine(_folder, "ca.pem");
            File.WriteAllText(CaPath, ca.ExportCertificatePem());

            using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            serverRequest.CertificateExtensions.Add(names.Build());
            serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            using var serverPublic = serverRequest.Create(ca, now.AddHours(-1), now.AddDays(1), [1, 2, 3, 4]);
            using var serverWithKey = serverPublic.CopyWithPrivateKey(serverKey);
            Server = X509CertificateLoader.LoadPkcs12(serverWithKey.Export(X509ContentType.Pkcs12), null);

            using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var clientRequest = new CertificateRequest("CN=payments-client", clientKey, HashAlgorithmName.SHA256);
            clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            using var client = clientRequest.Create(ca, now.AddHours(-1), now.AddDays(1), [5, 6, 7, 8]);
            ClientCertificatePath = Path.Combine(_folder, "client.pem");
            ClientKeyPath = Path.Combine(_folder, "client-key.pem");
            File.WriteAllText(ClientCertificatePath, client.ExportCertificatePem());
            File.WriteAllText(ClientKeyPath, clientKey.ExportPkcs8PrivateKeyPem());
        }

        public X509Certificate2 Server { get; }

        public string CaPath { get; }

        public string ClientCertificatePath { get; }

        public string ClientKeyPath { get; }

        public void Dispose()
        {
            Server.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
