using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>
/// What an idle poll costs against Secret Manager's per-project quotas: metadata reads (list, get
/// secret, get version) share 600 a minute, payload access 90,000 a minute. Counts per request kind,
/// never timings.
/// </summary>
public sealed class PollCostTests(ITestOutputHelper output)
{
    private static readonly string[] Kinds = ["list", "secret", "version", "access"];

    [Fact]
    public async Task An_idle_poll_of_five_named_and_five_labelled_secrets_accesses_each_once_and_reads_metadata_only_to_list_the_label()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.MaxPageSize = 100;
        for (var i = 0; i < 5; i++)
        {
            h.Store.AddVersion($"named{i}", $"n{i}");
            h.Store.AddVersion($"labelled{i}", $"l{i}");
            h.Store.SetLabel($"labelled{i}", "app", "payments");
        }

        var config = h.Build(gcp =>
        {
            gcp.PollInterval = TimeSpan.FromMinutes(5);
            for (var i = 0; i < 5; i++)
            {
                gcp.Secret($"named{i}");
            }

            gcp.SecretsWithLabel("app", "payments");
        });
        var changes = 0;
        GoogleHarness.Provider(config).Changed += (_, _) => Interlocked.Increment(ref changes);
        var before = CountByKind(h.Store);

        // One poll interval after the load holds exactly one poll (each wait is 90-100% of the interval).
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => h.Store.Requests.Count - before.Values.Sum() >= 11, "the poll reads every secret and lists the label");
        await h.Clock.WaitUntilIdleAsync();
        var poll = CountByKind(h.Store).ToDictionary(k => k.Key, k => k.Value - before[k.Key]);
        output.WriteLine("idle poll, 10 secrets (5 named, 5 by one label): " + string.Join(", ", Kinds.Select(k => $"{k} {poll[k]}")));

        Assert.Equal(0, changes);
        Assert.Equal(10, poll["access"]);
        Assert.Equal(1, poll["list"]);
        Assert.Equal(0, poll["version"]);
        Assert.Equal(0, poll["secret"]);
    }

    [Fact]
    public async Task The_label_list_has_its_own_interval_while_every_poll_still_finds_a_new_version_by_access()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.MaxPageSize = 100;
        h.Store.AddVersion("labelled", "one");
        h.Store.SetLabel("labelled", "app", "payments");
        var config = h.Build(gcp =>
        {
            gcp.PollInterval = TimeSpan.FromMinutes(1);
            gcp.LabelListInterval = TimeSpan.FromMinutes(30);
            gcp.SecretsWithLabel("app", "payments");
        });
        Assert.Equal(1, h.Store.Count("list"));

        h.Store.AddVersion("labelled", "two");
        h.Store.AddVersion("newcomer", "n");
        h.Store.SetLabel("newcomer", "app", "payments");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Testing.Eventually.HoldsAsync(() => config["labelled"] == "two", "a poll between lists finds the new version by access");
        await h.Clock.WaitUntilIdleAsync();
        Assert.Equal(1, h.Store.Count("list"));
        Assert.Null(config["newcomer"]);

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1));
        await Testing.Eventually.HoldsAsync(() => config["newcomer"] == "n", "the next list finds the newly labelled secret");
        Assert.InRange(h.Store.Count("list"), 2, 3);
        Assert.Equal(0, h.Store.Count("version"));
    }

    [Fact]
    public async Task A_moved_alias_and_a_disabled_pinned_version_are_found_without_metadata_reads()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("api", "v1");
        h.Store.AddVersion("api", "v2");
        h.Store.SetAlias("api", "stable", 1);
        h.Store.AddVersion("pinned", "p1");
        h.Store.AddVersion("pinned", "p2");
        var config = h.Build(gcp => gcp.Secret("api", version: "stable").Secret("pinned", version: "1"));
        Assert.Equal("v1", config["api"]);
        Assert.Equal("p1", config["pinned"]);

        h.Store.SetAlias("api", "stable", 2);
        h.Store.SetState("pinned", 1, "DISABLED");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["api"] == "v2", "the alias's new version is published");
        await Testing.Eventually.HoldsAsync(() => h.Logs.Records.Any(r => r.Id.Name == "KeyFailed" && r.Message.Contains("'pinned'", StringComparison.Ordinal)), "the disabled pinned version is reported");

        Assert.Equal("p1", config["pinned"]);
        Assert.Equal(0, h.Store.Count("version"));
        Assert.Contains("FAILED_PRECONDITION (the version is disabled or destroyed) for secret 'pinned' (version 1)", h.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cold_load_and_a_rotation_of_named_secrets_spend_no_read_quota_unless_expireTime_is_asked_for()
    {
        await using var h = await GoogleHarness.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            h.Store.AddVersion($"named{i}", $"n{i}");
        }

        var config = h.Build(gcp =>
        {
            for (var i = 0; i < 5; i++)
            {
                gcp.Secret($"named{i}");
            }
        });
        Assert.Equal("n0", config["named0"]);
        Assert.Equal(0, h.Store.Count("secret"));

        h.Store.AddVersion("named0", "rotated");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["named0"] == "rotated", "the rotation is published");
        await h.Clock.WaitUntilIdleAsync();
        Assert.Equal(0, h.Store.Count("secret"));
        Assert.Equal(0, h.Store.Count("version") + h.Store.Count("list"));

        // Asked for, each secret's metadata is read once at its first read.
        await using var withExpiry = await GoogleHarness.StartAsync();
        withExpiry.Store.AddVersion("named0", "n0");
        withExpiry.Store.AddVersion("named1", "n1");
        withExpiry.Build(gcp =>
        {
            gcp.ReadExpireTime = true;
            gcp.Secret("named0").Secret("named1");
        });
        Assert.Equal(2, withExpiry.Store.Count("secret"));
    }

    private static Dictionary<string, int> CountByKind(FakeSecretManager store) => Kinds.ToDictionary(k => k, store.Count);
}
