using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Tests;

/// <summary>Issue 18 item 16: a chain expires with its leaf; a CA bundle with its last valid CA, and an expired one in it is a Warning.</summary>
[Collection("engine")]
public sealed class CertificateExpiryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_bundle_with_a_valid_CA_and_a_retired_root_expires_with_the_valid_one_and_warns_naming_the_retired_one()
    {
        using var current = PemCertificates.Ca("CN=Current Root", Start.AddYears(-1), Start.AddYears(5));
        using var retired = PemCertificates.Ca("CN=Retired Root", Start.AddYears(-10), Start.AddDays(-1));
        var bundle = PemCertificates.Pem(retired, current);
        using var scope = new Scope(("ca-bundle.crt", bundle));

        var expiry = Assert.Single(scope.Provider.GetHealth().Expiries);
        Assert.Equal("ca-bundle.crt", expiry.Name);
        Assert.Equal(Start.AddYears(5), expiry.At);
        var warning = Assert.Single(scope.Logs.Records, r => r.Id.Name == "BundleCertificateExpired");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("'ca-bundle.crt'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("'CN=Retired Root'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("2026-11-28 00:00:00Z", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(scope.Logs.Records, r => r.Id.Name == "Expired");
        scope.Logs.AssertNoSentinel(bundle.Split('\n')[1]);
    }

    [Fact]
    public void A_bundle_whose_every_CA_expired_expires_with_the_last_one()
    {
        using var older = PemCertificates.Ca("CN=Older Root", Start.AddYears(-10), Start.AddDays(-30));
        using var newer = PemCertificates.Ca("CN=Newer Root", Start.AddYears(-5), Start.AddDays(-1));
        using var scope = new Scope(("ca.crt", PemCertificates.Pem(newer, older)));

        Assert.Equal(Start.AddDays(-1), Assert.Single(scope.Provider.GetHealth().Expiries).At);
        Assert.Equal(2, scope.Logs.Records.Count(r => r.Id.Name == "BundleCertificateExpired"));
        Assert.Contains(scope.Logs.Records, r => r.Id.Name == "Expired" && r.Level == LogLevel.Error && r.Message.Contains("'ca.crt'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_chain_expires_with_its_leaf_whatever_follows_it()
    {
        using var root = PemCertificates.Ca("CN=Root", Start.AddYears(-1), Start.AddYears(10));
        using var intermediate = PemCertificates.IntermediateCa("CN=Intermediate", root, Start.AddYears(-1), Start.AddYears(5));
        using var leaf = PemCertificates.Leaf("CN=api.example", intermediate, Start.AddDays(-60), Start.AddDays(30));
        using var crossSigned = PemCertificates.Ca("CN=Old Cross-signed Root", Start.AddYears(-20), Start.AddDays(-1)); // as in many full chains
        using var shortIntermediate = PemCertificates.IntermediateCa("CN=Short Intermediate", root, Start.AddYears(-1), Start.AddDays(60));
        using var longLeaf = PemCertificates.Leaf("CN=long.example", shortIntermediate, Start.AddDays(-1), Start.AddDays(50));
        using var scope = new Scope(
            ("tls.crt", PemCertificates.Pem(leaf, intermediate, crossSigned)),
            ("other.crt", PemCertificates.Pem(longLeaf, shortIntermediate)));

        var expiries = scope.Provider.GetHealth().Expiries;
        Assert.Equal(Start.AddDays(30), Assert.Single(expiries, e => e.Name == "tls.crt").At);
        Assert.Equal(Start.AddDays(50), Assert.Single(expiries, e => e.Name == "other.crt").At);
        Assert.DoesNotContain(scope.Logs.Records, r => r.Id.Name is "BundleCertificateExpired" or "Expired");
    }

    [Fact]
    public void A_bundle_of_roots_without_extensions_is_still_a_bundle_and_unrelated_leaves_expire_with_the_earliest()
    {
        using var retired = PemCertificates.SelfSignedWithoutExtensions("CN=Old v1 Root", Start.AddYears(-20), Start.AddDays(-2));
        using var current = PemCertificates.SelfSignedWithoutExtensions("CN=Current v1 Root", Start.AddYears(-1), Start.AddYears(3));
        using var ca = PemCertificates.Ca("CN=Issuer", Start.AddYears(-1), Start.AddYears(5));
        using var first = PemCertificates.Leaf("CN=one.example", ca, Start.AddDays(-1), Start.AddDays(40));
        using var second = PemCertificates.Leaf("CN=two.example", ca, Start.AddDays(-1), Start.AddDays(10));
        using var scope = new Scope(("roots.pem", PemCertificates.Pem(retired, current)), ("leaves.pem", PemCertificates.Pem(first, second)));

        var expiries = scope.Provider.GetHealth().Expiries;
        Assert.Equal(Start.AddYears(3), Assert.Single(expiries, e => e.Name == "roots.pem").At);
        Assert.Equal(Start.AddDays(10), Assert.Single(expiries, e => e.Name == "leaves.pem").At);
        var warning = Assert.Single(scope.Logs.Records, r => r.Id.Name == "BundleCertificateExpired");
        Assert.Contains("'CN=Old v1 Root'", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>One configuration over a scripted source holding the given values, on a fake clock at <see cref="Start"/>.</summary>
    private sealed class Scope : IDisposable
    {
        private readonly SecretsHarness _secrets = new();

        public Scope(params (string Name, string? Value)[] values)
        {
            var source = new ScriptedSource("certificates-" + Guid.NewGuid().ToString("N")[..8]);
            source.Set(values);
            _secrets.Build(secrets =>
            {
                secrets.TimeProvider = new FakeTimeProvider(Start);
                secrets.AddSource(_ => source);
            });
        }

        public LogCapture Logs => _secrets.Logs;

        public SecretsConfigurationProvider Provider => _secrets.Provider;

        public void Dispose() => _secrets.Dispose();
    }
}
