namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>
/// Manifests against the Secret data the controllers' documented rules give (reference §D.4, §D.5),
/// through the public entry point, with the stored values served by an in-memory store per provider.
/// </summary>
public sealed class KeyRulesTableTests
{
    private const string Nested = """{"foo":{"nested":{"bar":"mysecret","baz":"bang"}}}""";
    private const string Numbers = """{"port":5432,"ratio":1.50,"big":1e21,"tiny":0.0000001,"obj":{"z":1.0,"a":"&"},"n":null,"t":true,"db/user":"u"}""";
    private const string Mixed = """{"a.b":"literal","a":{"b":"nested"},"ratio":1.50,"n":2e3,"i":12,"obj":{ "z" : 1 },"list":["x","y"],"s":null}""";
    private const string Legacy = """{"z":1.50,"a":{"y":null,"x":[1,2]},"n":null,"big":1e21,"10":"ten","2":"two"}""";

    public static TheoryData<string, string, ExternalSecretValueRules, Dictionary<string, string>, string, Dictionary<string, string>> Cases => new()
    {
        {
            "vault: property paths and extract of a nested property (ESO docs example); data[] overwrites dataFrom",
            "vault", ExternalSecretValueRules.Vault, new() { ["app/db"] = Nested },
            """
              data:
              - secretKey: bar
                remoteRef: {key: app/db, property: foo.nested.bar}
              - secretKey: baz
                remoteRef: {key: app/db, property: foo.nested.bar}
              - secretKey: foo
                remoteRef: {key: app/db, property: foo}
              dataFrom:
              - extract: {key: app/db, property: foo.nested}
            """,
            new() { ["bar"] = "mysecret", ["baz"] = "mysecret", ["foo"] = """{"nested":{"bar":"mysecret","baz":"bang"}}""" }
        },
        {
            "vault: the whole secret is Go-marshalled (sorted, compact, <>& escaped, numbers kept); a literal field keeps its number text",
            "vault", ExternalSecretValueRules.Vault, new() { ["app/db"] = """{"b":"<x>&","a":1.50,"c":[1,{"y":2,"x":1}]}""" },
            """
              data:
              - secretKey: all
                remoteRef: {key: app/db}
              - secretKey: a
                remoteRef: {key: app/db, property: a}
              - secretKey: second
                remoteRef: {key: app/db, property: c.1.x}
            """,
            new() { ["all"] = """{"a":1.50,"b":"\u003cx\u003e\u0026","c":[1,{"x":1,"y":2}]}""", ["a"] = "1.50", ["second"] = "1" }
        },
        {
            "vault: extract re-spells numbers as float64, re-marshals objects, null is empty, keys are converted",
            "vault", ExternalSecretValueRules.Vault, new() { ["app/db"] = Numbers },
            """
              dataFrom:
              - extract: {key: app/db}
            """,
            new()
            {
                ["port"] = "5432", ["ratio"] = "1.5", ["big"] = "1000000000000000000000", ["tiny"] = "0.0000001",
                ["obj"] = """{"a":"\u0026","z":1}""", ["n"] = "", ["t"] = "true", ["db_user"] = "u",
            }
        },
        {
            "aws: a dotted property is a literal field first; gjson numbers; extract keeps raw JSON slices",
            "aws", ExternalSecretValueRules.LiteralThenPath, new() { ["prod/app"] = Mixed },
            """
              dataFrom:
              - extract: {key: prod/app}
              data:
              - secretKey: lit
                remoteRef: {key: prod/app, property: a.b}
              - secretKey: ratio_p
                remoteRef: {key: prod/app, property: ratio}
              - secretKey: n_p
                remoteRef: {key: prod/app, property: n}
              - secretKey: i_p
                remoteRef: {key: prod/app, property: i}
              - secretKey: second
                remoteRef: {key: prod/app, property: list.1}
              - secretKey: obj_p
                remoteRef: {key: prod/app, property: obj}
            """,
            new()
            {
                ["a.b"] = "literal", ["a"] = """{"b":"nested"}""", ["ratio"] = "1.50", ["n"] = "2e3", ["i"] = "12",
                ["obj"] = """{ "z" : 1 }""", ["list"] = """["x","y"]""", ["s"] = "",
                ["lit"] = "literal", ["ratio_p"] = "1.5", ["n_p"] = "2000", ["i_p"] = "12", ["second"] = "y", ["obj_p"] = """{ "z" : 1 }""",
            }
        },
        {
            "azurekv: a dotted property is a path first",
            "azurekv", ExternalSecretValueRules.PathThenLiteral, new() { ["prod-app"] = Mixed },
            """
              data:
              - secretKey: path
                remoteRef: {key: prod-app, property: a.b}
            """,
            new() { ["path"] = "nested" }
        },
        {
            "decoding strategies: Base64, Base64URL, Auto falling back to the raw text; a plain-text secret without property",
            "aws", ExternalSecretValueRules.LiteralThenPath,
            new() { ["enc"] = """{"b64":"aGVsbG8=","url":"YT9iPn5-","plain":"not base64!"}""", ["token"] = "plain-text" },
            """
              data:
              - secretKey: b64
                remoteRef: {key: enc, property: b64, decodingStrategy: Base64}
              - secretKey: url
                remoteRef: {key: enc, property: url, decodingStrategy: Base64URL}
              - secretKey: auto_url
                remoteRef: {key: enc, property: url, decodingStrategy: Auto}
              - secretKey: auto_plain
                remoteRef: {key: enc, property: plain, decodingStrategy: Auto}
              - secretKey: token
                remoteRef: {key: token}
            """,
            new() { ["b64"] = "hello", ["url"] = "a?b>~~", ["auto_url"] = "a?b>~~", ["auto_plain"] = "not base64!", ["token"] = "plain-text" }
        },
        {
            "template: plain substitution replaces the data (mergePolicy Replace)",
            "vault", ExternalSecretValueRules.Vault, new() { ["db"] = """{"user":"app","pass":"pw"}""" },
            """
              dataFrom:
              - extract: {key: db}
              target:
                template:
                  type: Opaque
                  data:
                    dsn: "postgres://{{ .user }}:{{.pass}}@db:5432/app"
            """,
            new() { ["dsn"] = "postgres://app:pw@db:5432/app" }
        },
        {
            "template: mergePolicy Merge keeps the raw keys beside the template's",
            "vault", ExternalSecretValueRules.Vault, new() { ["db"] = """{"user":"app","pass":"pw"}""" },
            """
              dataFrom:
              - extract: {key: db}
              target:
                template:
                  mergePolicy: Merge
                  data:
                    user: "{{ .user }}-ro"
            """,
            new() { ["user"] = "app-ro", ["pass"] = "pw" }
        },
    };

    public static TheoryData<string, Dictionary<string, string>, string, Dictionary<string, string>> LegacyCases => new()
    {
        {
            "legacy vault: JSON.stringify order and numbers, lodash paths, null is \"null\", dataFrom first then data",
            new() { ["secret/data/app"] = Legacy },
            """
              dataFrom:
              - secret/data/app
              data:
              - name: whole
                key: secret/data/app
              - secretKey: x1
                key: secret/data/app
                property: a.x[1]
              - name: z
                key: secret/data/app
                property: z
              - name: obj
                key: secret/data/app
                property: a
            """,
            new()
            {
                ["2"] = "two", ["10"] = "ten", ["z"] = "1.5", ["a"] = """{"y":null,"x":[1,2]}""", ["n"] = "null", ["big"] = "1e+21",
                ["whole"] = """{"2":"two","10":"ten","z":1.5,"a":{"y":null,"x":[1,2]},"n":null,"big":1e+21}""",
                ["x1"] = "2", ["obj"] = """{"y":null,"x":[1,2]}""",
            }
        },
        {
            "legacy vault: isBinary decodes base64",
            new() { ["secret/data/bin"] = """{"cert":"aGVsbG8="}""" },
            """
              data:
              - name: cert
                key: secret/data/bin
                property: cert
                isBinary: true
            """,
            new() { ["cert"] = "hello" }
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_keys_are_the_Secret_data_the_controller_would_write(
        string rule, string provider, ExternalSecretValueRules rules, Dictionary<string, string> stored, string spec, Dictionary<string, string> expected)
    {
        using var m = new Manifest();
        var store = new MemoryStore(provider, rules);
        foreach (var (key, value) in stored)
        {
            store.Values[key] = value;
        }

        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: app
            spec:
              secretStoreRef:
                name: store
            {spec}
            ---
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: store
            spec:
              provider:
                {provider}: {"{}"}
            """);
        var config = m.Build(path, es => es.AddStore(store));

        Assert.True(Equivalent(expected, Manifest.Flat(config)), $"{rule}\nexpected: {Show(expected.ToDictionary(static e => e.Key, static e => (string?)e.Value))}\nactual:   {Show(Manifest.Flat(config))}");
    }

    [Theory]
    [MemberData(nameof(LegacyCases))]
    public void Legacy_manifests_give_the_keys_the_old_controller_would_write(string rule, Dictionary<string, string> stored, string spec, Dictionary<string, string> expected)
    {
        using var m = new Manifest();
        var store = new MemoryStore("vault", ExternalSecretValueRules.Vault);
        foreach (var (key, value) in stored)
        {
            store.Values[key] = value;
        }

        var path = m.Write($"""
            apiVersion: kubernetes-client.io/v1
            kind: ExternalSecret
            metadata:
              name: app
            spec:
              backendType: vault
            {spec}
            """);
        var config = m.Build(path, es => es.AddStore(store));

        Assert.True(Equivalent(expected, Manifest.Flat(config)), $"{rule}\nexpected: {Show(expected.ToDictionary(static e => e.Key, static e => (string?)e.Value))}\nactual:   {Show(Manifest.Flat(config))}");
    }

    private static bool Equivalent(Dictionary<string, string> expected, Dictionary<string, string?> actual)
        => expected.Count == actual.Count && expected.All(e => actual.TryGetValue(e.Key, out var v) && v == e.Value);

    private static string Show(IEnumerable<KeyValuePair<string, string?>> data) => string.Join(" ", data.OrderBy(static d => d.Key, StringComparer.Ordinal).Select(static d => $"{d.Key}={d.Value}"));
}
