using K8sSecrets.Configuration.Vault.Tests;
using YamlDotNet.RepresentationModel;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>
/// samples/deploy/external-secret.yaml: read by our ExternalSecret reader against the fake Vault
/// (only its server address changed), and consistent with the other manifests of the sample.
/// </summary>
public sealed class DeploySampleTests
{
    private static string Sample(string file) => Path.Combine(AppContext.BaseDirectory, "deploy", file);

    [Fact]
    public async Task The_sample_ExternalSecret_reads_the_apps_keys_from_Vault()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("payments/db", """{"username":"payments-app","password":"from-vault"}""");
        using var m = new Manifest();
        var text = File.ReadAllText(Sample("external-secret.yaml"));
        Assert.Contains("server: https://vault.vault.svc:8200", text, StringComparison.Ordinal);
        var path = m.Write(text.Replace("https://vault.vault.svc:8200", h.Vault.Address.ToString().TrimEnd('/'), StringComparison.Ordinal));

        var config = m.Build(path, es => es.ServiceAccountTokenPath = h.JwtPath, s => s.TimeProvider = h.Clock);

        Assert.Equal("from-vault", config["Database:Password"]);
        Assert.Equal("payments-app", config["Database:Username"]);
        Assert.Contains(h.Vault.Requests, r => r.Path == "auth/kubernetes/login"); // role "payments", as vault/setup.sh writes
    }

    [Fact]
    public void The_ExternalSecret_targets_a_Secret_the_Role_lets_the_app_read_and_authenticates_as_the_pod()
    {
        var documents = Documents("external-secret.yaml");
        var store = documents.Single(d => Text(d, "kind") == "SecretStore");
        var externalSecret = documents.Single(d => Text(d, "kind") == "ExternalSecret");
        var role = Documents("role.yaml").Single();
        var account = Documents("serviceaccount.yaml").Single();

        Assert.All(documents, d => Assert.Equal("external-secrets.io/v1", Text(d, "apiVersion")));
        Assert.All(documents.Append(role), d => Assert.Equal(Text(account, "metadata", "namespace"), Text(d, "metadata", "namespace")));
        Assert.Equal(Text(store, "metadata", "name"), Text(externalSecret, "spec", "secretStoreRef", "name"));
        Assert.Equal(Text(account, "metadata", "name"), Text(store, "spec", "provider", "vault", "auth", "kubernetes", "serviceAccountRef", "name"));
        Assert.Equal("payments", Text(store, "spec", "provider", "vault", "auth", "kubernetes", "role"));
        var resourceNames = ((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)role["rules"])[0])["resourceNames"]).Select(n => ((YamlScalarNode)n).Value);
        Assert.Contains(Text(externalSecret, "spec", "target", "name"), resourceNames);
    }

    private static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Sample(file)));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static string? Text(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var part in path)
        {
            current = ((YamlMappingNode)current)[part];
        }

        return ((YamlScalarNode)current).Value;
    }
}
