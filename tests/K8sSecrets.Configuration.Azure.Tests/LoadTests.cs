using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Azure.Tests;

public sealed class LoadTests
{
    [Fact]
    public async Task Double_dashes_are_the_sources_key_delimiter_so_MapKey_sees_mapped_keys_and_can_be_turned_off()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("ConnectionStrings--Db", "db");
        h.Vault.Put("Internal--Token", "t");

        var mapped = h.Build(kv => kv.MapKey = key => key.StartsWith("Internal:", StringComparison.Ordinal) ? null : "App:" + key);
        var literal = h.Build(kv => kv.KeyDelimiters = []);

        Assert.Equal(["--"], new AzureKeyVaultOptions().KeyDelimiters);
        Assert.Equal("db", mapped["App:ConnectionStrings:Db"]);
        Assert.Null(mapped["ConnectionStrings:Db"]);
        Assert.Null(mapped["Internal:Token"]);
        Assert.Null(mapped["App:Internal:Token"]);
        Assert.Equal("db", literal["ConnectionStrings--Db"]);
        Assert.Null(literal["ConnectionStrings:Db"]);
    }

    [Fact]
    public async Task Every_enabled_current_secret_becomes_a_key_with_double_dashes_as_sections()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        var now = h.Clock.GetUtcNow();
        h.Vault.Put("ConnectionStrings--Db", "Server=db;User=app");
        h.Vault.Put("ApiKey", "k-1");
        h.Vault.Put("Old", "o", expires: now.AddHours(-1));
        h.Vault.Put("Later", "l", notBefore: now.AddHours(1));
        h.Vault.Put("Off", "x", enabled: false);

        var config = h.Build();

        Assert.Equal("Server=db;User=app", config["ConnectionStrings:Db"]);
        Assert.Equal("k-1", config["ApiKey"]);
        Assert.Null(config["Old"]);
        Assert.Null(config["Later"]);
        Assert.Null(config["Off"]);
        Assert.Equal(2, h.Vault.GetCount);
        var skipped = h.Logs.Records.Where(r => r.Id.Id == 440).Select(r => r.Message).ToList();
        Assert.Equal(3, skipped.Count);
        Assert.Contains(skipped, m => m.Contains("'Old'") && m.Contains("expired"));
        Assert.Contains(skipped, m => m.Contains("'Later'") && m.Contains("not valid before"));
        Assert.Contains(skipped, m => m.Contains("'Off'") && m.Contains("disabled"));
    }

    [Fact]
    public async Task The_real_client_meets_the_bearer_challenge_once_and_asks_the_credential_for_the_vault_scope_and_tenant()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("ApiKey", "k-1");

        h.Build();

        Assert.Single(h.Vault.Requests, r => !r.HadAuthorization);
        Assert.All(h.Vault.Requests.Skip(1), r => Assert.True(r.HadAuthorization));
        var context = Assert.Single(h.Credential.Requests.DistinctBy(c => (string.Join(",", c.Scopes), c.TenantId)));
        Assert.Equal(["https://vault.azure.net/.default"], context.Scopes);
        Assert.Equal(FakeKeyVault.Tenant, context.TenantId);
        Assert.All(h.Vault.Requests, r => Assert.Contains("api-version=", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sixty_secrets_take_three_list_pages_and_one_get_each_with_at_most_eight_in_flight()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 60; i++)
        {
            h.Vault.Put($"s-{i:00}", $"v{i}");
        }

        h.Vault.Latency = TimeSpan.FromMilliseconds(20);

        var config = h.Build();

        Assert.Equal(3, h.Vault.ListCount);
        Assert.Equal(60, h.Vault.GetCount);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"v{i}"), Enumerable.Range(0, 60).Select(i => config[$"s-{i:00}"]));
        Assert.InRange(h.Vault.MaxInFlight, 2, AzureKeyVaultOptions.DefaultMaxParallelism);
    }

    [Fact]
    public async Task Named_secrets_are_the_only_ones_read_with_their_own_keys_and_the_prefix_stripped_from_the_others()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("payments-db-password", "pw");
        h.Vault.Put("payments--Api--Key", "api");
        h.Vault.Put("payments--Unnamed", "no");
        h.Vault.Put("other--X", "no");

        var config = h.Build(kv =>
        {
            kv.Secret("payments-db-password", key: "Database:Password");
            kv.Secret("payments--Api--Key");
            kv.Prefix = "payments--";
            kv.Section = "Azure";
        });

        Assert.Equal(
            [new("Azure:Api:Key", "api"), new("Azure:Database:Password", "pw")],
            config.AsEnumerable().Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal).ToList());
        Assert.Equal(2, h.Vault.GetCount);
    }

    [Fact]
    public async Task A_prefix_alone_reads_only_the_secrets_that_start_with_it_and_strips_it()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("payments--Db--Password", "pw");
        h.Vault.Put("PAYMENTS--Api", "api");
        h.Vault.Put("orders--Db--Password", "no");

        var config = h.Build(kv => kv.Prefix = "payments--");

        Assert.Equal("pw", config["Db:Password"]);
        Assert.Equal("api", config["Api"]);
        Assert.Null(config["orders:Db:Password"]);
        Assert.Equal(2, h.Vault.GetCount);
    }

    [Fact]
    public async Task A_json_secret_is_flattened_only_when_asked_and_only_for_its_json_content_type()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        const string json = """{"host":"db","port":5432,"tls":true,"replicas":["r1","r2"],"opts":{"pool":null}}""";
        h.Vault.Put("Db", json, contentType: "application/json");
        h.Vault.Put("Raw", json, contentType: "application/json");
        h.Vault.Put("Text", json, contentType: "text/plain");

        var config = h.Build(kv => kv.FlattenJson("Db").FlattenJson("Text"));

        Assert.Equal("db", config["Db:host"]);
        Assert.Equal("5432", config["Db:port"]);
        Assert.Equal("true", config["Db:tls"]);
        Assert.Equal("r2", config["Db:replicas:1"]);
        Assert.Null(config["Db"]);
        Assert.Equal(json, config["Raw"]);
        Assert.Equal(json, config["Text"]);
    }

    [Fact]
    public async Task The_keys_and_values_are_the_same_whatever_order_the_values_arrive_in()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            h.Vault.Put($"App--Item{i:00}", $"v{i}");
        }

        h.Vault.Put("App--ITEM00--X", "nested");
        h.Vault.SecretLatency = name => TimeSpan.FromMilliseconds(name.EndsWith('X') ? 0 : 2 * (20 - int.Parse(name[^2..])));
        var first = h.Build().AsEnumerable().ToList();
        h.Vault.SecretLatency = name => TimeSpan.FromMilliseconds(name.EndsWith('X') ? 40 : 2 * int.Parse(name[^2..]));
        var second = h.Build().AsEnumerable().ToList();

        Assert.Equal(first, second);
        Assert.Equal(21, first.Count(p => p.Value is not null));
    }
}
