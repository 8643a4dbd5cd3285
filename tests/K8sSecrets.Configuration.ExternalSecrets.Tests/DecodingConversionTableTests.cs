namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>
/// ESO's table tests of <c>decodingStrategy</c> and <c>conversionStrategy</c>, through the public
/// entry point with the stored text served by an in-memory store (stored text as is, as the cloud stores read it).
/// </summary>
public sealed class DecodingConversionTableTests
{
    private const string Base64DecodedValue = "foo%_?bar";
    private const string Base64EncodedValue = "Zm9vJV8/YmFy";
    private const string Base64UrlEncodedValue = "Zm9vJV8_YmFy";

    /// <summary>
    /// Every row of <c>TestDecode</c>: external-secrets/external-secrets, runtime/decoding/decoding_test.go
    /// at commit cc5bfbc2234ace9cb0caff4ea89c435cf517b27b (rule: runtime/decoding/decoding.go).
    /// Row, strategy (null: the field left out), stored text, the value or "!" and a fragment of the error.
    /// </summary>
    public static TheoryData<string, string?, string, string> Decode => new()
    {
        { "base64 decoded", "Base64", "YmFy", "bar" },
        { "invalid base64", "Base64", "foo", "!decodingStrategy Base64" },
        { "base64url decoded", "Base64URL", Base64UrlEncodedValue, Base64DecodedValue },
        { "invalid base64url", "Base64URL", "foo", "!decodingStrategy Base64URL" },
        { "none", "None", Base64UrlEncodedValue, Base64UrlEncodedValue },
        { "empty strategy defaults to none", "\"\"", Base64UrlEncodedValue, Base64UrlEncodedValue },
        { "auto base64", "Auto", Base64EncodedValue, Base64DecodedValue },
        { "auto base64url", "Auto", Base64UrlEncodedValue, Base64DecodedValue },
        { "auto invalid base64 returns input", "Auto", "foo", "foo" },
        { "unsupported strategy", "unsupported", "foo", "!spec.data[0].remoteRef.decodingStrategy: 'unsupported' is not supported" },
    };

    /// <summary>
    /// Every row of <c>TestConvertKeys</c>: external-secrets/external-secrets, runtime/esutils/utils_test.go
    /// at commit cc5bfbc2234ace9cb0caff4ea89c435cf517b27b (rule: runtime/esutils/utils.go <c>convert</c>).
    /// Row, strategy, the stored fields (JSON), the keys ("key=value;...") or "!" and a fragment of the error.
    /// <c>Unicode</c> is not supported in-process, so its row expects the refusal.
    /// </summary>
    public static TheoryData<string, string, string, string> Convert => new()
    {
        { "convert with special chars", "Default", """{"foo$bar%baz*bing":"noop"}""", "foo_bar_baz_bing=noop" },
        { "error on collision", "Default", """{"foo$bar%baz*bing":"noop","foo_bar_baz$bing":"noop"}""", "!secret name collision during conversion" },
        { "convert path", "Default", """{"/foo/bar/baz/bing":"noop","foo/bar/baz/bing/":"noop"}""", "_foo_bar_baz_bing=noop;foo_bar_baz_bing_=noop" },
        { "convert unicode", "Unicode", """{"😀foo😁bar😂baz😈bing":"noop"}""", "!spec.dataFrom[0].extract.conversionStrategy: 'Unicode' is not supported" },
        { "empty strategy converts as Default", "\"\"", """{"foo$bar%baz*bing":"noop"}""", "foo_bar_baz_bing=noop" },
        { "empty strategy collides like Default", "\"\"", """{"foo$bar%baz*bing":"noop","foo_bar_baz$bing":"noop"}""", "!secret name collision during conversion" },

        // Not a table row: convert keeps what Go's unicode.IsNumber keeps (Nd, Nl and No, not only
        // decimal digits), so '½' stays and the key is then not a valid Secret key, as the API server would say.
        { "a number that is not a decimal digit is kept (unicode.IsNumber)", "Default", """{"a½b":"noop"}""", "!the field 'a½b' does not make a valid Secret key" },
    };

    [Theory]
    [MemberData(nameof(Decode))]
    public void DecodingStrategy_follows_the_controllers_table(string row, string? strategy, string stored, string expected)
    {
        var item = $"  data:\n  - secretKey: value\n    remoteRef:\n      key: app\n      decodingStrategy: {strategy}\n";
        Check(row, stored, item, expected.StartsWith('!') ? expected : "value=" + expected);
    }

    [Theory]
    [MemberData(nameof(Convert))]
    public void ConversionStrategy_follows_the_controllers_table(string row, string strategy, string stored, string expected)
    {
        var item = $"  dataFrom:\n  - extract:\n      key: app\n      conversionStrategy: {strategy}\n";
        Check(row, stored, item, expected);
    }

    private static void Check(string row, string stored, string items, string expected)
    {
        using var m = new Manifest();
        var store = new MemoryStore("memory", ExternalSecretValueRules.LiteralThenPath);
        store.Values["app"] = stored;
        var path = m.Write("""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: app
            spec:
              secretStoreRef:
                name: store

            """ + items + """
            ---
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: store
            spec:
              provider:
                memory: {}
            """);

        if (expected.StartsWith('!'))
        {
            var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.AddStore(store)));
            Assert.True(ex.Message.Contains(expected[1..], StringComparison.Ordinal), $"{row}: {ex.Message}");
            return;
        }

        var config = m.Build(path, es => es.AddStore(store));
        var actual = string.Join(";", Manifest.Flat(config).OrderBy(static kv => kv.Key, StringComparer.Ordinal).Select(static kv => $"{kv.Key}={kv.Value}"));
        Assert.True(expected == actual, $"{row}: expected {expected}, got {actual}");
    }
}
