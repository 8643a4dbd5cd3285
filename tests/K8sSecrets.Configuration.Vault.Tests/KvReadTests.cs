using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Vault.Tests;

public sealed class KvReadTests
{
    [Fact]
    public async Task Kv2_fields_become_keys_below_the_section_and_nested_json_is_flattened()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("payments/db", """{"username":"app","password":"s3cr3t","port":5432,"tls":true,"nothing":null,"pool":{"min":1,"max":{"hard":10}},"hosts":["a","b"]}""");

        var config = h.Build(v => v.Secret("secret/payments/db", section: "Database"));

        Assert.Equal("app", config["Database:username"]);
        Assert.Equal("s3cr3t", config["Database:password"]);
        Assert.Equal("5432", config["Database:port"]);
        Assert.Equal("true", config["Database:tls"]);
        Assert.Null(config["Database:nothing"]);
        Assert.Equal("1", config["Database:pool:min"]);
        Assert.Equal("10", config["Database:pool:max:hard"]);
        Assert.Equal("b", config["Database:hosts:1"]);
        Assert.Equal(1, h.Vault.Count("auth/kubernetes/login"));
        Assert.Equal(1, h.Vault.Count("sys/internal/ui/mounts/secret/payments/db"));
        Assert.Equal(1, h.Vault.Count("secret/data/payments/db"));
    }

    [Fact]
    public async Task Kv1_is_read_at_its_own_path_and_its_ttl_field_is_just_a_field()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv1("kv/legacy/app", """{"foo":"bar","ttl":"1h"}""");

        var config = h.Build(v => v.Secret("kv/legacy/app"));

        Assert.Equal("bar", config["foo"]);
        Assert.Equal("1h", config["ttl"]);
        Assert.Equal(1, h.Vault.Count("kv/legacy/app"));
        Assert.Equal(0, h.Vault.CountStartingWith("kv/data"));
    }

    [Fact]
    public async Task A_pinned_kv2_version_is_read_instead_of_the_latest()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        h.Vault.PutKv2("app", """{"color":"green"}""");

        var config = h.Build(v => v.Secret("secret/app", section: "Pinned", version: 1).Secret("secret/app", section: "Latest"));

        Assert.Equal("blue", config["Pinned:color"]);
        Assert.Equal("green", config["Latest:color"]);
        Assert.Contains(h.Vault.Requests, r => r.Path == "secret/data/app" && r.Query == "?version=1");
    }

    [Fact]
    public async Task A_declared_kv_version_skips_mount_detection()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");

        var config = h.Build(v => v.KvVersion("secret", 2).Secret("secret/app"));

        Assert.Equal("blue", config["color"]);
        Assert.Equal(0, h.Vault.CountStartingWith("sys/internal/ui/mounts"));
    }

    [Fact]
    public async Task Mount_detection_happens_once_per_mount()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("one", """{"a":"1"}""");
        h.Vault.PutKv2("two", """{"b":"2"}""");

        var config = h.Build(v => v.Secret("secret/one").Secret("secret/two"));

        Assert.Equal("1", config["a"]);
        Assert.Equal("2", config["b"]);
        Assert.Equal(1, h.Vault.CountStartingWith("sys/internal/ui/mounts"));
    }

    [Fact]
    public async Task The_namespace_header_goes_on_every_request_including_login()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");

        h.Build(v =>
        {
            v.Namespace = "team-a/";
            v.Secret("secret/app");
        });

        Assert.NotEmpty(h.Vault.Requests);
        Assert.All(h.Vault.Requests, r => Assert.Equal("team-a/", r.Namespace));
    }

    [Fact]
    public async Task A_kv2_change_is_published_at_the_next_poll_with_one_read_per_path_per_refresh()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("one", """{"a":"1"}""");
        h.Vault.PutKv2("two", """{"b":"2"}""");
        var config = h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromMinutes(5);
            v.Secret("secret/one").Secret("secret/two");
        });
        var reloads = 0;
        using var registration = Microsoft.Extensions.Primitives.ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));

        h.Vault.PutKv2("one", """{"a":"changed"}""");
        for (var poll = 1; poll <= 4; poll++)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
            await h.Clock.WaitUntilIdleAsync();
        }

        Assert.Equal("changed", config["a"]);
        Assert.Equal(1, Volatile.Read(ref reloads));
        Assert.Equal(5, h.Vault.Count("secret/data/one"));
        Assert.Equal(5, h.Vault.Count("secret/data/two"));
        Assert.Equal(0, h.Vault.CountStartingWith("secret/metadata/"));
        Assert.Equal(1, h.Vault.Count("auth/kubernetes/login"));
    }

    [Fact]
    public async Task A_forced_refresh_reads_each_kv_path_once_and_leaves_leased_credentials_alone()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var config = h.Build(v => v.Secret("secret/app").Secret("database/creds/payments-ro", section: "Db"));
        var provider = config.Providers.OfType<SecretsConfigurationProvider>().Single();
        var user = config["Db:username"];
        h.Vault.PutKv2("app", """{"color":"green"}""");

        Assert.True(await provider.RefreshAsync(CancellationToken.None));

        Assert.Equal("green", config["color"]);
        Assert.Equal(user, config["Db:username"]);
        Assert.Equal(2, h.Vault.Count("secret/data/app"));
        Assert.Equal(1, h.Vault.Count("database/creds/payments-ro"));
        Assert.Equal(1, h.Vault.Count("auth/kubernetes/login"));
    }

    [Fact]
    public async Task No_request_is_made_while_the_token_is_fresh_and_no_poll_is_due()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromMinutes(10);
            v.Secret("secret/app");
        });
        await h.Clock.WaitUntilIdleAsync();
        var before = h.Vault.Requests.Count;

        // The poll is jittered down by at most 10%: 8 minutes is before any due time.
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(1));

        Assert.Equal(before, h.Vault.Requests.Count);
    }

    [Fact]
    public async Task A_deleted_latest_version_removes_the_keys_after_startup()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        h.Vault.PutKv2("other", """{"shape":"round"}""");
        var config = h.Build(v => v.Secret("secret/app").Secret("secret/other"));

        h.Vault.DeleteLatestKv2("app", destroy: true);
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Testing.Eventually.HoldsAsync(() => config["color"] is null, "the deleted secret's key is gone");

        Assert.Equal("round", config["shape"]);
        Assert.Contains(h.Logs.Records, r => r.Id.Name == "VaultPathAbsent");
    }
}
