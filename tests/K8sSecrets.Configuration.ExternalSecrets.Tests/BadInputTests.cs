using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>Unsupported or broken manifests fail when declared, naming the file, the field and what is supported.</summary>
public sealed class BadInputTests
{
    private const string Store = """
        ---
        apiVersion: external-secrets.io/v1
        kind: SecretStore
        metadata:
          name: store
        spec:
          provider:
            vault:
              server: https://vault:8200
              path: secret
              auth:
                kubernetes:
                  role: app
        """;

    public static TheoryData<string, string, string[]> Cases => new()
    {
        {
            "unknown kind",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
            ["(document 1)", "kind", "apps/v1 Deployment is not supported", "ExternalSecret, SecretStore and ClusterSecretStore"]
        },
        {
            "PushSecret",
            "apiVersion: external-secrets.io/v1alpha1\nkind: PushSecret\nmetadata:\n  name: p\n",
            ["apiVersion", "'external-secrets.io/v1alpha1' is not supported"]
        },
        {
            "PushSecret v1",
            "apiVersion: external-secrets.io/v1\nkind: PushSecret\nmetadata:\n  name: p\n",
            ["kind", "PushSecret writes to a store"]
        },
        {
            "generator",
            "apiVersion: generators.external-secrets.io/v1alpha1\nkind: Password\nmetadata:\n  name: p\n",
            ["kind", "generators are not supported"]
        },
        {
            "missing store",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n", store: "other"),
            ["spec.secretStoreRef", "no SecretStore named 'other'", "es.StorePath"]
        },
        {
            "provider not yet available",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n", store: "store") + "\n---\napiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: store\nspec:\n  provider:\n    aws:\n      service: SecretsManager\n      region: eu-west-1\n",
            ["spec.provider.aws", "provider aws needs the K8sSecrets.Configuration.ExternalSecrets.Aws package", "es.UseAws()"]
        },
        {
            "unknown provider",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n", store: "store") + "\n---\napiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: store\nspec:\n  provider:\n    doppler: {}\n",
            ["spec.provider.doppler", "'doppler' is not supported", "vault"]
        },
        {
            "template beyond substitution",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n  target:\n    template:\n      data:\n        dsn: '{{ .a | upper }}'\n") + Store,
            ["spec.target.template.data.dsn", "only plain substitution", "{{ .key }}"]
        },
        {
            "templateFrom",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n  target:\n    template:\n      templateFrom:\n      - configMap:\n          name: t\n") + Store,
            ["spec.target.template.templateFrom", "needs the controller"]
        },
        {
            "conversionStrategy Unicode",
            Es("  dataFrom:\n  - extract:\n      key: app\n      conversionStrategy: Unicode\n") + Store,
            ["spec.dataFrom[0].extract.conversionStrategy", "'Unicode' is not supported", "Default"]
        },
        {
            "decodingStrategy unknown",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n  - secretKey: b\n    remoteRef:\n      key: app\n      decodingStrategy: Hex\n") + Store,
            ["spec.data[1].remoteRef.decodingStrategy", "None, Base64, Base64URL, Auto"]
        },
        {
            "rewrite",
            Es("  dataFrom:\n  - extract:\n      key: app\n    rewrite:\n    - regexp:\n        source: a\n        target: b\n") + Store,
            ["spec.dataFrom[0].rewrite", "not supported"]
        },
        {
            "find",
            Es("  dataFrom:\n  - find:\n      name:\n        regexp: .*\n") + Store,
            ["spec.dataFrom[0].find", "not supported yet", "extract"]
        },
        {
            "generator source",
            Es("  dataFrom:\n  - sourceRef:\n      generatorRef:\n        kind: Password\n        name: p\n") + Store,
            ["spec.dataFrom[0].sourceRef", "generators"]
        },
        {
            "gjson wildcard",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n  - secretKey: b\n    remoteRef:\n      key: app\n      property: users.#.name\n") + Store,
            ["spec.data[1].remoteRef.property", "queries (#)", "dotted path"]
        },
        {
            "unknown field",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n  refreshIntervall: 1h\n") + Store,
            ["spec.refreshIntervall", "not supported", "refreshInterval"]
        },
        {
            "bad duration",
            Es("  refreshInterval: hourly\n  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n") + Store,
            ["spec.refreshInterval", "'hourly' is not a Go duration"]
        },
        {
            "vault ldap auth",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n") + Store.Replace("kubernetes:\n          role: app", "ldap:\n          username: u", StringComparison.Ordinal),
            ["spec.provider.vault.auth.ldap", "supported: kubernetes, appRole, tokenSecretRef"]
        },
        {
            "vault token secret not mapped",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n") + Store.Replace("kubernetes:\n          role: app", "tokenSecretRef:\n          name: vault-token\n          key: token", StringComparison.Ordinal),
            ["spec.provider.vault.auth.tokenSecretRef", "es.MapKeyToFile(\"vault-token\", \"token\""]
        },
        {
            "version on a kv1 store",
            Es("  data:\n  - secretKey: a\n    remoteRef:\n      key: app\n      version: \"2\"\n") + Store.Replace("path: secret", "path: kv\n      version: v1", StringComparison.Ordinal),
            ["spec.data[0].remoteRef.version", "needs a KV v2 store"]
        },
        {
            "legacy backend",
            "apiVersion: kubernetes-client.io/v1\nkind: ExternalSecret\nmetadata:\n  name: x\nspec:\n  backendType: systemManager\n  data:\n  - key: /a\n    name: a\n",
            ["spec.backendType", "'systemManager' is not supported", "vault"]
        },
        {
            "legacy kv2 key without data",
            "apiVersion: kubernetes-client.io/v1\nkind: ExternalSecret\nmetadata:\n  name: x\nspec:\n  backendType: vault\n  vaultRole: app\n  data:\n  - key: secret/my-secret\n    name: a\n",
            ["spec.data[0].key", "full API path", "secret/data/my-secret"]
        },
        {
            "legacy template",
            "apiVersion: kubernetes-client.io/v1\nkind: ExternalSecret\nmetadata:\n  name: x\nspec:\n  backendType: vault\n  template:\n    type: Opaque\n  data:\n  - key: secret/data/a\n    name: a\n",
            ["spec.template", "lodash templates"]
        },
        {
            "legacy field of another backend",
            "apiVersion: kubernetes-client.io/v1\nkind: ExternalSecret\nmetadata:\n  name: x\nspec:\n  backendType: vault\n  vaultRole: app\n  region: eu-west-1\n  data:\n  - key: secret/data/a\n    name: a\n",
            ["spec.region", "not used by backendType vault"]
        },
        {
            "invalid YAML",
            "apiVersion: v1\nkind: [unclosed\n",
            ["invalid YAML at line"]
        },
        {
            "no ExternalSecret",
            Store.TrimStart('-', '\n'),
            ["holds no ExternalSecret"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_manifests_fail_when_declared_naming_the_file_the_field_and_what_is_supported(string what, string yaml, string[] expected)
    {
        using var m = new Manifest();
        var path = m.Write(yaml);

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }));

        Assert.False(ex.IsTransient);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        foreach (var fragment in expected)
        {
            Assert.True(ex.Message.Contains(fragment, StringComparison.Ordinal), $"{what}: '{fragment}' is not in: {ex.Message}");
        }
    }

    [Fact]
    public void A_missing_file_names_it()
    {
        using var m = new Manifest();
        var path = Path.Combine(m.Folder, "absent.yaml");
        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }));
        Assert.Contains("absent.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromExternalSecret_checks_its_arguments()
    {
        var builder = new Microsoft.Extensions.Configuration.ConfigurationBuilder();
        builder.AddKubernetesSecrets(secrets =>
        {
            Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => Microsoft.Extensions.Configuration.ExternalSecretsKubernetesSecretsBuilderExtensions.FromExternalSecret(null!, "a.yaml")).ParamName);
            Assert.Throws<ArgumentException>(() => secrets.FromExternalSecret(" "));
            Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => secrets.FromExternalSecret("a.yaml", null!)).ParamName);
            Assert.Equal("RefreshInterval", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromExternalSecret("a.yaml", es => es.RefreshInterval = TimeSpan.FromDays(2))).ParamName);
        });
    }

    private static string Es(string spec, string store = "store") => $"""
        apiVersion: external-secrets.io/v1
        kind: ExternalSecret
        metadata:
          name: app
        spec:
          secretStoreRef:
            name: {store}

        """ + spec;
}
