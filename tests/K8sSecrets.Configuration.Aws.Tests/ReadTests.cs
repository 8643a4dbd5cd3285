namespace K8sSecrets.Configuration.Aws.Tests;

public sealed class ReadTests
{
    [Fact]
    public async Task Named_and_prefix_selected_secrets_become_keys_as_the_issue_describes()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/payments/db", """{"username":"app","password":"pw1","pool":{"max":20},"hosts":["a","b"]}""");
        h.Fake.Put("prod/payments/api-key", "key-1");
        h.Fake.Put("prod/shared/flags/beta", "on");
        h.Fake.Put("prod/shared/smtp", """{"host":"mail"}""");
        h.Fake.PutBinary("prod/payments/cert", [0xff, 0x00, 0x01]);
        h.Fake.Put("other/ignored", "x");

        var config = h.Build(aws =>
        {
            aws.Secret("prod/payments/db", section: "Database");
            aws.Secret("prod/payments/api-key", key: "Payments:ApiKey");
            aws.Secret("prod/payments/cert", key: "Tls:Cert");
            aws.SecretsWithPrefix("prod/shared/", section: "Shared");
        });

        Assert.Equal("app", config["Database:username"]);
        Assert.Equal("pw1", config["Database:password"]);
        Assert.Equal("20", config["Database:pool:max"]);
        Assert.Equal("b", config["Database:hosts:1"]);
        Assert.Equal("key-1", config["Payments:ApiKey"]);
        Assert.Equal("on", config["Shared:flags:beta"]);
        Assert.Equal("mail", config["Shared:smtp:host"]);
        Assert.Equal(Convert.ToBase64String(new byte[] { 0xff, 0x00, 0x01 }), config["Tls:Cert"]);
        Assert.Null(config["other:ignored"]);
        Assert.All(h.Fake.Requests, r => Assert.True(r.SignatureValid));
    }

    [Fact]
    public async Task Fifty_named_secrets_load_in_three_value_calls_and_an_unchanged_poll_costs_one_call_and_no_reload()
    {
        await using var h = await AwsHarness.StartAsync();
        for (var i = 0; i < 50; i++)
        {
            h.Fake.Put($"prod/app/secret-{i:D2}", $"value-{i}");
        }

        var config = h.Build(aws =>
        {
            aws.PollInterval = TimeSpan.FromMinutes(5);
            for (var i = 0; i < 50; i++)
            {
                aws.Secret($"prod/app/secret-{i:D2}", key: $"S{i:D2}");
            }
        });
        var reloads = 0;
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));

        Assert.Equal("value-49", config["S49"]);
        Assert.Equal(3, h.Fake.Count("BatchGetSecretValue"));
        Assert.Equal(1, h.Fake.Count("ListSecrets"));
        var before = h.Fake.Requests.Count;

        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => h.Fake.Requests.Count > before, "the poll runs");
        await h.Clock.WaitUntilIdleAsync();

        var poll = h.Fake.Requests.Skip(before).ToList();
        Assert.Equal(["ListSecrets"], poll.Select(r => r.Action));
        Assert.Equal(0, reloads);
    }

    [Fact]
    public async Task A_version_bump_reads_only_that_secret_and_reloads_once()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.Put("prod/b", "b1");
        var config = h.Build(aws => aws.Secret("prod/a", key: "A").Secret("prod/b", key: "B"));
        var reloads = 0;
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));
        var before = h.Fake.Requests.Count;

        h.Fake.Put("prod/b", "b2");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["B"] == "b2", "the new value is published");

        var batch = h.Fake.Requests.Skip(before).Single(r => r.Action == "BatchGetSecretValue");
        Assert.Equal([h.Fake.ArnOf("prod/b")], batch.Body["SecretIdList"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("a1", config["A"]);
        // Data is swapped just before the reload is raised: wait for the reload, then check it stays one.
        await Testing.Eventually.HoldsAsync(() => Volatile.Read(ref reloads) >= 1, "the reload is raised");
        await Testing.Eventually.StaysAsync(() => Volatile.Read(ref reloads) == 1, "exactly one reload");
    }

    [Fact]
    public async Task Previous_stage_and_a_fixed_version_id_are_read_with_GetSecretValue()
    {
        await using var h = await AwsHarness.StartAsync();
        var first = h.Fake.Put("prod/db", """{"password":"old"}""");
        h.Fake.Put("prod/db", """{"password":"new"}""");

        var config = h.Build(aws => aws
            .Secret("prod/db", section: "Db")
            .Secret("prod/db", AwsSecretVersion.Previous, section: "DbPrevious")
            .Secret("prod/db", AwsSecretVersion.Id(first), section: "DbFirst"));

        Assert.Equal("new", config["Db:password"]);
        Assert.Equal("old", config["DbPrevious:password"]);
        Assert.Equal("old", config["DbFirst:password"]);

        h.Fake.Put("prod/db", """{"password":"newest"}""");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["Db:password"] == "newest" && config["DbPrevious:password"] == "new", "both stages move");
        Assert.Equal("old", config["DbFirst:password"]);
        Assert.Equal(1, h.Fake.Requests.Count(r => r.Action == "GetSecretValue" && r.Body["VersionId"] is not null));
    }

    [Fact]
    public async Task Secrets_appear_and_vanish_under_a_prefix()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("team/one", "1");
        var config = h.Build(aws => aws.SecretsWithPrefix("team/"));
        Assert.Equal("1", config["one"]);

        h.Fake.Put("team/two", "2");
        h.Fake.Delete("team/one");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["two"] == "2" && config["one"] is null, "the listing is followed");
    }

    [Fact]
    public async Task A_listing_cut_off_at_the_page_cap_is_a_failed_read_that_keeps_every_value()
    {
        await using var h = await AwsHarness.StartAsync();
        for (var i = 0; i < 150; i++)
        {
            h.Fake.Put($"team/s{i * 2:D3}", $"v{i * 2}");
        }

        // The cap is lowered to 2 pages of 100 (10,000 secrets by default) to keep the test small.
        var config = h.Build(aws =>
        {
            aws.MaxListPages = 2;
            aws.SecretsWithPrefix("team/");
        });
        var provider = AwsHarness.Provider(config);
        Assert.Equal("v298", config["s298"]);

        // 100 more, sorted in between: two pages now end at team/s199, before half the loaded ones.
        for (var i = 0; i < 100; i++)
        {
            h.Fake.Put($"team/s{(i * 2) + 1:D3}", $"v{(i * 2) + 1}");
        }

        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => provider.GetHealth().ConsecutiveFailures > 0, "the truncated read fails");
        await h.Clock.WaitUntilIdleAsync();

        Assert.All(Enumerable.Range(0, 150), i => Assert.Equal($"v{i * 2}", config[$"s{i * 2:D3}"]));
        Assert.Null(config["s001"]);
        var error = provider.GetHealth().LastError!;
        Assert.Contains("truncated", error, StringComparison.Ordinal);
        Assert.Contains("after 2 pages", error, StringComparison.Ordinal);
        Assert.Contains("'team/'", error, StringComparison.Ordinal);
        Assert.Contains("longer prefixes in SecretsWithPrefix", error, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Logs.Records, r => r.Id.Name == "AwsSecretGone");
        Assert.Equal(4, h.Fake.Count("ListSecrets")); // two pages at Build, two at the poll, then it stopped
    }

    [Fact]
    public async Task A_listing_cut_off_at_the_page_cap_fails_the_build_of_a_required_source()
    {
        await using var h = await AwsHarness.StartAsync();
        for (var i = 0; i < 201; i++)
        {
            h.Fake.Put($"team/s{i:D3}", "v");
        }

        var error = Assert.Throws<SecretSourceException>(() => h.Build(aws =>
        {
            aws.MaxListPages = 2;
            aws.SecretsWithPrefix("team/");
        }));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Equal(0, h.Fake.ValueCalls);
    }

    [Fact]
    public async Task Named_secrets_are_all_read_when_the_listing_is_cut_off()
    {
        await using var h = await AwsHarness.StartAsync();
        for (var i = 0; i < 250; i++)
        {
            h.Fake.Put($"team/s{i:D3}", $"v{i}");
        }

        // 11 names that share no start take more than the 10 filter values: every secret is listed, past the cap.
        var others = "abcdefghij".Select(static c => $"{c}/x").ToList();
        others.ForEach(name => h.Fake.Put(name, "other"));
        var config = h.Build(aws =>
        {
            aws.MaxListPages = 2;
            aws.Secret("team/s249", key: "Last");
            others.ForEach(name => aws.Secret(name, key: name.Replace('/', ':')));
        });

        Assert.Null(h.Fake.Requests.First(r => r.Action == "ListSecrets").Body["Filters"]);
        Assert.Equal("v249", config["Last"]);
        Assert.Equal("other", config["j:x"]);
    }

    [Fact]
    public async Task NextRotation_is_the_earliest_NextRotationDate()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a");
        h.Fake.Put("prod/b", "b");
        h.Fake.SetNextRotation("prod/a", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        h.Fake.SetNextRotation("prod/b", new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));

        var config = h.Build(aws => aws.Secret("prod/a", key: "A").Secret("prod/b", key: "B"));

        Assert.Equal(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero), AwsHarness.Source(config).NextRotation);
    }

    [Fact]
    public async Task Without_ListSecrets_permission_named_secrets_are_read_every_poll_but_reload_only_on_change()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.DenyListSecrets = true;
        h.Fake.Put("prod/a", "a1");
        var config = h.Build(aws => aws.Secret("prod/a", key: "A"));
        var reloads = 0;
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));
        Assert.Equal("a1", config["A"]);

        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => h.Fake.Count("BatchGetSecretValue") == 2, "the poll reads the value");
        await h.Clock.WaitUntilIdleAsync();
        Assert.Equal(0, reloads);
        Assert.Equal(1, h.Fake.Count("ListSecrets"));
        Assert.Contains(h.Logs.Records, r => r.Id.Name == "AwsListDenied");
    }

    [Fact]
    public async Task A_secret_by_ARN_is_read_and_then_version_checked_by_its_name()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/arn-secret", "v1");
        var config = h.Build(aws => aws.Secret(h.Fake.ArnOf("prod/arn-secret"), key: "X"));
        Assert.Equal("v1", config["X"]);
        var before = h.Fake.Requests.Count;

        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => h.Fake.Requests.Count > before, "the poll runs");
        await h.Clock.WaitUntilIdleAsync();
        Assert.Equal(["ListSecrets"], h.Fake.Requests.Skip(before).Select(r => r.Action));
    }

    [Fact]
    public void Name_filters_cover_many_names_with_few_prefixes()
    {
        var names = Enumerable.Range(0, 50).Select(i => $"prod/app/secret-{i:D2}").Append("prod/other/x").Append("dev/y");
        var cover = NameFilters.Cover(names, 10);
        Assert.InRange(cover.Count, 1, 10);
        Assert.All(names, n => Assert.Contains(cover, p => n.StartsWith(p, StringComparison.Ordinal)));
        Assert.Equal(["a", "b/"], NameFilters.Cover(["a", "ab", "b/1", "b/2"], 2));
        Assert.Empty(NameFilters.Cover(["a", "b", "c"], 2));
    }
}
