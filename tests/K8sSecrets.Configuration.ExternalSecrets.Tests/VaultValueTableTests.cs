using K8sSecrets.Configuration.Vault.Tests;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>
/// ESO's table tests of the Vault provider's values, through the fake Vault: external-secrets/external-secrets,
/// providers/v1/vault/client_get_test.go at commit cc5bfbc2234ace9cb0caff4ea89c435cf517b27b
/// (<c>TestGetSecret</c>, <c>TestGetSecretMap</c>; rules in client_get.go <c>getSecretValue</c> and
/// runtime/esutils/utils.go <c>GetByteValue</c>, same commit). The tables hand the client Go values;
/// here each is the JSON Vault would serve for it. Rows left out: <c>ReadSecretError</c> (a client
/// error, not a value rule) and the <c>metadataPolicy: Fetch</c> rows (refused when declared).
/// </summary>
public sealed class VaultValueTableTests
{
    private const string Secret = """{"access_key":"access_key","access_secret":"access_secret"}""";
    private const string SecretWithNilVal = """{"access_key":"access_key","access_secret":"access_secret","token":null}""";
    private const string SecretWithNestedVal = """
        {"access_key":"access_key","access_secret":"access_secret","nested.bar":"something different",
         "nested":{"foo":"oke","bar":"also ok?"},"list_of_values":["first_value","second_value","third_value"],"json_number":42}
        """;

    private const string SecretWithSpecialCharacter = """{"access_key":"acc<ess_&ke.,y","access_secret":"acce&?ss_s>ecret"}""";
    private const string SecretWithMapNestedVal = """{"access_key":"access_key","access_secret":"access_secret","nested":{"foo":{"oke":"yup","mhkeih":"yada yada"}}}""";

    // float32(2.12), float64(2.1234534153423423), 42, true and []byte("foobar") as Go's json.Marshal writes them.
    private const string SecretWithTypes = """{"access_secret":"access_secret","f32":2.12,"f64":2.1234534153423423,"int":42,"bool":true,"bt":"Zm9vYmFy"}""";

    /// <summary>TestGetSecret (v1 stores): row, stored JSON (null: no secret), property, the value or "!" and a fragment of the error.</summary>
    public static TheoryData<string, string?, string, string> GetSecret => new()
    {
        { "ReadSecret", Secret, "access_key", "access_key" },
        { "ReadSecretWithNil", SecretWithNilVal, "access_key", "access_key" },
        { "ReadSecretWithoutProperty", Secret, "", """{"access_key":"access_key","access_secret":"access_secret"}""" },
        { "ReadSecretWithNestedValue", SecretWithNestedVal, "nested.foo", "oke" },
        { "ReadSecretWithNestedValueFromData", SecretWithNestedVal, "nested.bar", "something different" },
        { "ReadSecretWithMissingValueFromData", null, "not-relevant", "!404" },

        // The table's fake returns a Go []string, joined with "\n"; Vault's JSON decodes to []any,
        // which GetByteValue marshals as JSON.
        { "ReadSecretWithSliceValue", SecretWithNestedVal, "list_of_values", """["first_value","second_value","third_value"]""" },
        { "ReadSecretWithJsonNumber", SecretWithNestedVal, "json_number", "42" },
        { "NonexistentProperty", SecretWithNestedVal, "nop.doesnt.exist", "!has no property 'nop.doesnt.exist'" },
        { "ReadSecretNotFound", null, "access_key", "!404" },
    };

    /// <summary>TestGetSecretMap: row, store version, stored JSON, extract property, the keys and values.</summary>
    public static TheoryData<string, string, string, string, Dictionary<string, string>> GetSecretMap => new()
    {
        { "ReadSecretKV1", "v1", Secret, "", new() { ["access_key"] = "access_key", ["access_secret"] = "access_secret" } },
        { "ReadSecretKV2", "v2", Secret, "", new() { ["access_key"] = "access_key", ["access_secret"] = "access_secret" } },
        { "ReadSecretWithSpecialCharactersKV1", "v1", SecretWithSpecialCharacter, "", new() { ["access_key"] = "acc<ess_&ke.,y", ["access_secret"] = "acce&?ss_s>ecret" } },
        { "ReadSecretWithSpecialCharactersKV2", "v2", SecretWithSpecialCharacter, "", new() { ["access_key"] = "acc<ess_&ke.,y", ["access_secret"] = "acce&?ss_s>ecret" } },
        { "ReadSecretWithNilValueKV1", "v1", SecretWithNilVal, "", new() { ["access_key"] = "access_key", ["access_secret"] = "access_secret", ["token"] = "" } },
        { "ReadSecretWithNilValueKV2", "v2", SecretWithNilVal, "", new() { ["access_key"] = "access_key", ["access_secret"] = "access_secret", ["token"] = "" } },
        {
            "ReadSecretWithTypesKV2", "v2", SecretWithTypes, "",
            new() { ["access_secret"] = "access_secret", ["f32"] = "2.12", ["f64"] = "2.1234534153423423", ["int"] = "42", ["bool"] = "true", ["bt"] = "Zm9vYmFy" }
        },
        { "ReadNestedSecret", "v2", SecretWithMapNestedVal, "nested", new() { ["foo"] = """{"mhkeih":"yada yada","oke":"yup"}""" } },
        { "ReadDeeplyNestedSecret", "v2", SecretWithMapNestedVal, "nested.foo", new() { ["oke"] = "yup", ["mhkeih"] = "yada yada" } },

        // TestGetByteValue (runtime/esutils/utils_test.go, same commit), the rows a JSON answer can
        // hold (not []string or json.RawMessage, which the client never decodes to), one field each.
        {
            "GetByteValue: string, map of any, float64, slice of any, boolean, nil", "v2",
            """{"string":"value","map":{"key":"value"},"float64":123.45,"slice":["value1","value2"],"boolean":true,"nil":null}""", "",
            new() { ["string"] = "value", ["map"] = """{"key":"value"}""", ["float64"] = "123.45", ["slice"] = """["value1","value2"]""", ["boolean"] = "true", ["nil"] = "" }
        },
    };

    [Theory]
    [MemberData(nameof(GetSecret))]
    public async Task A_data_item_reads_what_the_controller_reads(string row, string? stored, string property, string expected)
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        if (stored is not null)
        {
            h.Vault.PutKv1("kv/app", stored);
        }

        var remoteRef = property.Length == 0 ? "{key: app}" : $"{{key: app, property: {property}}}";
        var path = m.Write(Yaml(h, "v1", $"  data:\n  - secretKey: value\n    remoteRef: {remoteRef}\n"));

        if (expected.StartsWith('!'))
        {
            var ex = Assert.Throws<SecretSourceException>(() => Build(m, path, h));
            Assert.True(ex.Message.Contains(expected[1..], StringComparison.Ordinal), $"{row}: {ex.Message}");
            return;
        }

        Assert.Equal(expected, Build(m, path, h)["value"]);
    }

    [Theory]
    [MemberData(nameof(GetSecretMap))]
    public async Task An_extract_reads_what_the_controller_reads(string row, string version, string stored, string property, Dictionary<string, string> expected)
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        if (version == "v1")
        {
            h.Vault.PutKv1("kv/app", stored);
        }
        else
        {
            h.Vault.PutKv2("app", stored);
        }

        var extract = property.Length == 0 ? "{key: app}" : $"{{key: app, property: {property}}}";
        var path = m.Write(Yaml(h, version, $"  dataFrom:\n  - extract: {extract}\n"));

        var config = Build(m, path, h);

        Assert.True(expected.Count == Manifest.Flat(config).Count, row);
        Assert.Equal(expected.OrderBy(static kv => kv.Key), Manifest.Flat(config).OrderBy(static kv => kv.Key).Select(static kv => KeyValuePair.Create(kv.Key, kv.Value ?? string.Empty)));
    }

    private static Microsoft.Extensions.Configuration.IConfigurationRoot Build(Manifest m, string path, VaultHarness h)
        => m.Build(path, es => es.ServiceAccountTokenPath = h.JwtPath, s => s.TimeProvider = h.Clock);

    private static string Yaml(VaultHarness h, string version, string items) => $"""
        apiVersion: external-secrets.io/v1
        kind: ExternalSecret
        metadata:
          name: app
        spec:
          secretStoreRef:
            name: store

        """ + items + $"""
        ---
        apiVersion: external-secrets.io/v1
        kind: SecretStore
        metadata:
          name: store
        spec:
          provider:
            vault:
              server: "{h.Vault.Address}"
              path: {(version == "v1" ? "kv" : "secret")}
              version: {version}
              auth:
                kubernetes:
                  role: payments
        """;
}
