using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>Issue 18, item 1: a declared id names exactly one secret, never a prefix of others.</summary>
public sealed class IdentityTests
{
    private const string A = $"arn:aws:secretsmanager:{FakeSecretsManager.Region}:{FakeSecretsManager.Account}:secret:";

    public static TheoryData<string, string?, string?, bool> Rule => new()
    {
        // A name: only that name, compared exactly.
        { "prod/db", null, "prod/db", true },
        { "prod/db", A + "prod/db-AbC123", "prod/db", true },
        { "prod/db", null, "prod/db-admin", false },
        { "prod/db", null, "prod/d", false },
        { "prod/db", null, "PROD/DB", false },
        { "prod/db", A + "prod/db-AbC123", null, false },
        { "prod/db", A + "prod/db", null, false },

        // A full ARN (the name, a hyphen, six random letters or digits): only itself.
        { A + "prod/db-AbCdEf", A + "prod/db-AbCdEf", "prod/db", true },
        { A + "prod/db-AbCdEf", A + "prod/db-AbCdEf", null, true },
        { A + "prod/db-AbCdEf", A + "prod/db-AbCdEf-x", "prod/db-AbCdEf-x", false },
        { A + "prod/db-AbCdEf", A + "prod/db-AbCdEf-QwErTy", "prod/db-AbCdEf", false },
        { A + "prod/db-AbCdEf", A + "prod/db-AbCdE", null, false },
        { A + "prod/db-AbCdEf", A + "prod/db-abcdef", null, false },
        { A + "prod/db-AbCdEf", null, "prod/db", false },

        // A partial ARN: itself plus a hyphen and exactly six letters or digits, on exactly that name.
        { A + "prod/db", A + "prod/db-XyZ123", "prod/db", true },
        { A + "prod/db", A + "prod/db-XyZ123", null, true },
        { A + "prod/db", A + "prod/db", null, true },
        { A + "prod/db", A + "prod/db-admin-XyZ123", "prod/db-admin", false },
        { A + "prod/db", A + "prod/db-admin-XyZ123", null, false },
        { A + "prod/db", A + "prod/db-XyZ12", null, false },
        { A + "prod/db", A + "prod/db-XyZ1234", null, false },
        { A + "prod/db", A + "prod/db-XyZ12!", null, false },
        { A + "prod/db", A + "prod/db-XyZ12\u0663", null, false },
        { A + "prod/db", A + "prod/db_XyZ123", null, false },
        { A + "prod/db", A + "prod/dbaXyZ123", null, false },
        { A + "prod/db", A + "prod/db-XyZ123", "prod/db-x", false },
        { A + "prod/db", "arn:aws:secretsmanager:eu-west-1:999999999999:secret:prod/db-XyZ123", "prod/db", false },
        { A + "prod/db", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-XyZ123", "prod/db", false },
        { A + "prod/db", "arn:aws-cn:secretsmanager:eu-west-1:123456789012:secret:prod/db-XyZ123", "prod/db", false },
        { A + "prod/db", null, "prod/db", false },

        // As Secrets Manager decides, an ARN ending in a hyphen and six letters or digits is a full ARN,
        // so a name that ends so (prod/db-backup) cannot be given by partial ARN.
        { A + "prod/db-backup", A + "prod/db-backup-XyZ123", "prod/db-backup", false },
        { A + "prod/db-backup", A + "prod/db-backup", "prod/db-bac", true },
        { A + "prod/db-backups", A + "prod/db-backups-XyZ123", "prod/db-backups", true },

        // Not a Secrets Manager secret ARN: only itself.
        { "arn:aws:secretsmanager:eu-west-1:123456789012:prod/db", "arn:aws:secretsmanager:eu-west-1:123456789012:prod/db-XyZ123", null, false },
    };

    [Theory]
    [MemberData(nameof(Rule))]
    public void The_matching_rule_is_exact(string declared, string? arn, string? name, bool matches)
        => Assert.Equal(matches, AwsSecretIds.Matches(declared, arn, name));

    [Fact]
    public async Task A_partial_ARN_publishes_its_own_secret_at_Build_and_every_poll_when_a_longer_name_is_listed_first()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.ListNewestFirst = true;
        h.Fake.Put("prod/db", "right-1", arnSuffix: "AbCdEf");
        h.Fake.Put("prod/db-admin", "WRONG-admin", arnSuffix: "XyZ123"); // newer, so listed first
        var config = h.Build(aws => aws.Secret(A + "prod/db", key: "Db"));
        Assert.Equal("right-1", config["Db"]);

        await PollAsync(h);
        Assert.Equal("right-1", config["Db"]);

        h.Fake.Put("prod/db", "right-2");
        await PollAsync(h);
        await Eventually.HoldsAsync(() => config["Db"] == "right-2", "the rotation of the declared secret is published");
        Assert.DoesNotContain(h.Fake.Requests, r => r.Body.ToJsonString().Contains("XyZ123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_ARN_publishes_only_itself_when_secrets_named_after_it_are_listed_first()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.ListNewestFirst = true;
        h.Fake.Put("prod/db", "right-1", arnSuffix: "AbCdEf");
        h.Fake.Put("prod/db-AbCdEf-x", "WRONG-longer", arnSuffix: "QQQQQQ");
        h.Fake.Put("prod/db-AbCdEf", "WRONG-partial", arnSuffix: "QwErTy");
        var config = h.Build(aws => aws.Secret(A + "prod/db-AbCdEf", key: "Db"));
        Assert.Equal("right-1", config["Db"]);

        await PollAsync(h);
        Assert.Equal("right-1", config["Db"]);

        h.Fake.Put("prod/db", "right-2");
        await PollAsync(h);
        await Eventually.HoldsAsync(() => config["Db"] == "right-2", "the rotation of the declared secret is published");
        Assert.DoesNotContain(h.Fake.Requests, r => r.Body.ToJsonString().Contains("QQQQQQ", StringComparison.Ordinal) || r.Body.ToJsonString().Contains("QwErTy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_name_publishes_only_that_name_when_longer_names_are_listed_first()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.ListNewestFirst = true;
        h.Fake.Put("prod/db", "right-1");
        h.Fake.Put("prod/db-admin", "WRONG-admin");
        var config = h.Build(aws => aws.Secret("prod/db", key: "Db"));

        h.Fake.Put("prod/db", "right-2");
        h.Fake.Put("prod/db-admin", "WRONG-admin-2");
        await PollAsync(h);
        await Eventually.HoldsAsync(() => config["Db"] == "right-2", "the rotation of the declared secret is published");
    }

    [Fact]
    public async Task A_value_answered_for_another_secret_is_never_published()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/db", "right-0", arnSuffix: "AbCdEf");
        h.Fake.Put("prod/db", "right-1");
        var config = h.Build(aws => aws.Secret(A + "prod/db-AbCdEf", key: "Db").Secret("prod/db", AwsSecretVersion.Previous, key: "Old"));
        var provider = AwsHarness.Provider(config);
        Assert.Equal("right-1", config["Db"]);
        Assert.Equal("right-0", config["Old"]);

        // Answers that name a longer ARN and another secret, as a confused or hostile endpoint might.
        h.Fake.Put("prod/db", "right-2");
        h.Fake.Fail("BatchGetSecretValue", new SmFault(200, $$"""{"SecretValues":[{"ARN":"{{A}}prod/db-AbCdEf-x-QQQQQQ","Name":"prod/db-AbCdEf-x","VersionId":"v-9","SecretString":"WRONG-batch"}],"Errors":[]}"""));
        h.Fake.Fail("GetSecretValue", new SmFault(200, $$"""{"ARN":"{{A}}prod/db-admin-XyZ123","Name":"prod/db-admin","VersionId":"v-8","SecretString":"WRONG-pinned","VersionStages":["AWSPREVIOUS"]}"""));
        await PollAsync(h);

        Assert.Equal("right-1", config["Db"]);
        Assert.Equal("right-0", config["Old"]);
        Assert.Equal(2, h.Fake.Count("GetSecretValue")); // Build, then the poll
        Assert.Contains("no value of exactly secret", h.Logs.AllText() + provider.GetHealth().LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:secretsmanager:eu-west-1:123456789012:prod/db")]
    [InlineData("arn:aws:ssm:eu-west-1:123456789012:secret:prod/db")]
    [InlineData("arn:aws:secretsmanager:eu-west-1::secret:prod/db")]
    [InlineData("arn:aws:secretsmanager:eu-west-1:123456789012:secret:")]
    [InlineData("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbC123:password::")]
    public void An_ARN_that_is_not_a_secrets_ARN_is_refused_naming_the_form(string id)
    {
        var options = new AwsSecretsManagerOptions();
        var error = Assert.Throws<ArgumentException>(() => options.Secret(id, key: "Db"));
        Assert.Equal("name", error.ParamName);
        Assert.Contains(":secret:<name>", error.Message, StringComparison.Ordinal);
    }

    /// <summary>One poll, finished: the next due time, a request, then the loop asleep again.</summary>
    private static async Task PollAsync(AwsHarness h)
    {
        var before = h.Fake.Requests.Count;
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Eventually.HoldsAsync(() => h.Fake.Requests.Count > before, "the poll runs");
        await h.Clock.WaitUntilIdleAsync();
    }
}
