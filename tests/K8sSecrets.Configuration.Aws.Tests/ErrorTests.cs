using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Aws.Tests;

public sealed class ErrorTests
{
    private const string Sentinel = "SENTINEL";

    public static TheoryData<SmFault> InvalidBodies => new()
    {
        new SmFault(200, "<html>SENTINEL-BODY proxy page</html>"),
        new SmFault(200, """{"SecretValues":"SENTINEL-BODY"}"""),
        new SmFault(200, """[{"SecretString":"SENTINEL-BODY"}]"""),
        new SmFault(200, "null"),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Throttling_keeps_the_last_good_values_and_passes_Retry_After_to_the_engine(bool asHttpDate)
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        var config = h.Build(aws => aws.Secret("prod/a", key: "A"));
        var provider = AwsHarness.Provider(config);
        h.Fake.Put("prod/a", "a2");
        const string Throttled = """{"__type":"ThrottlingException","Message":"Rate exceeded"}""";

        // An HTTP-date is read against the store's clock: 42 s after the refresh, 5 minutes from now.
        var retryAt = (h.Clock.GetUtcNow() + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(42)).ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        h.Fake.Fail("ListSecrets", asHttpDate ? new SmFault(400, Throttled, RetryAfter: retryAt) : new SmFault(400, Throttled, RetryAfterSeconds: 42));

        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => provider.GetHealth().ConsecutiveFailures > 0, "the refresh fails");

        Assert.Equal("a1", config["A"]);
        Assert.Contains("throttled ListSecrets", provider.GetHealth().LastError, StringComparison.Ordinal);
        var failedAt = h.Fake.Requests.Count;

        // The engine's own backoff would retry after about a second; the store asked for 42.
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(30));
        await h.Clock.WaitUntilIdleAsync();
        Assert.Equal(failedAt, h.Fake.Requests.Count);
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(12));
        await Testing.Eventually.HoldsAsync(() => config["A"] == "a2", "the retry succeeds");
    }

    [Fact]
    public async Task A_server_error_keeps_the_last_good_values_and_is_retried()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        var config = h.Build(aws => aws.Secret("prod/a", key: "A"));
        var provider = AwsHarness.Provider(config);
        h.Fake.Put("prod/a", "a2");
        h.Fake.Fail("BatchGetSecretValue", new SmFault(500, """{"__type":"InternalServiceError","Message":"SENTINEL-BODY"}"""));

        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => provider.GetHealth().ConsecutiveFailures > 0, "the refresh fails");
        Assert.Equal("a1", config["A"]);
        Assert.Contains("500 InternalServiceError", provider.GetHealth().LastError, StringComparison.Ordinal);

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10));
        await Testing.Eventually.HoldsAsync(() => config["A"] == "a2", "the retry succeeds");
        h.Logs.AssertNoSentinel(Sentinel);
    }

    [Fact]
    public async Task A_per_secret_error_inside_a_batch_keeps_only_that_secrets_old_value()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", """{"v":"a1"}""");
        h.Fake.Put("prod/b", "b1");
        var config = h.Build(aws => aws.Secret("prod/a", section: "A").Secret("prod/b", key: "B"));
        var provider = AwsHarness.Provider(config);

        h.Fake.Put("prod/a", """{"v":"a2"}""");
        h.Fake.Put("prod/b", "b2");
        h.Fake.SecretErrors["prod/a"] = "DecryptionFailure";
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["B"] == "b2", "the good secret updates");

        Assert.Equal("a1", config["A:v"]);
        Assert.Contains("kms:Decrypt", h.Logs.AllText() + string.Join(" ", provider.GetHealth().LastError), StringComparison.Ordinal);

        h.Fake.SecretErrors.Clear();
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["A:v"] == "a2", "the failed secret recovers");
    }

    [Fact]
    public async Task A_secret_throttled_inside_a_batch_is_retried_with_the_retry_policy_before_the_next_poll()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.Put("prod/b", "b1");
        var config = h.Build(aws => aws.Secret("prod/a", key: "A").Secret("prod/b", key: "B"));

        h.Fake.Put("prod/a", "a2");
        h.Fake.Put("prod/b", "b2");
        h.Fake.SecretErrors["prod/a"] = "ThrottlingException";
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["B"] == "b2", "the good secret updates");
        Assert.Equal("a1", config["A"]);

        // The builder's retry policy starts at 1 s, far sooner than the 5-minute poll (at least 4.5 with jitter).
        h.Fake.SecretErrors.Clear();
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10));
        Assert.Equal("a2", config["A"]);
    }

    [Theory]
    [InlineData("AccessDeniedException", "secretsmanager:GetSecretValue")]
    [InlineData("DecryptionFailure", "kms:Decrypt")]
    [InlineData("ResourceNotFoundException", "was not found")]
    public async Task A_secret_that_cannot_be_read_at_startup_fails_the_build_naming_it_and_the_fix(string code, string fix)
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "SENTINEL-VALUE");
        h.Fake.Put("prod/locked", "SENTINEL-VALUE");
        h.Fake.SecretErrors["prod/locked"] = code;

        var error = Assert.Throws<SecretSourceException>(() => h.Build(aws => aws.Secret("prod/a", key: "A").Secret("prod/locked", key: "L")));

        Assert.Contains("'prod/locked'", error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListSecrets_denied_with_a_prefix_names_the_permission()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.DenyListSecrets = true;
        h.Fake.Put("team/a", "1");

        var error = Assert.Throws<SecretSourceException>(() => h.Build(aws => aws.SecretsWithPrefix("team/")));

        Assert.Contains("secretsmanager:ListSecrets", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task A_signature_refused_for_clock_skew_is_sent_again_once_with_the_servers_time()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.ServerClockOffset = TimeSpan.FromMinutes(40);

        var config = h.Build(aws => aws.Secret("prod/a", key: "A"));

        Assert.Equal("a1", config["A"]);
        Assert.Equal([false, true, true], h.Fake.Requests.Select(r => r.SignatureValid));
    }

    [Fact]
    public async Task A_learned_clock_skew_is_learned_again_when_NTP_steps_the_clock_back()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");

        // The pod boots 10 minutes fast: the first request is refused, the corrected one passes.
        h.Clock.WallClockStep = TimeSpan.FromMinutes(10);
        var config = h.Build(aws => aws.Secret("prod/a", key: "A"));
        Assert.Equal("a1", config["A"]);
        Assert.Equal([false, true, true], h.Fake.Requests.Select(r => r.SignatureValid));

        // NTP fixes the clock: it steps back 10 minutes, so the stored correction is now 10 minutes wrong.
        h.Clock.WallClockStep = TimeSpan.Zero;
        h.Fake.Put("prod/a", "a2");
        var before = h.Fake.Requests.Count;
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["A"] == "a2", "the poll after the step succeeds");

        // At most one corrected retry, then every request passes, at the next poll too.
        Assert.Equal([false, true, true], h.Fake.Requests.Skip(before).Select(r => r.SignatureValid));
        before = h.Fake.Requests.Count;
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => h.Fake.Requests.Count > before, "the next poll runs");
        await h.Clock.WaitUntilIdleAsync();
        Assert.All(h.Fake.Requests.Skip(before), r => Assert.True(r.SignatureValid));
        Assert.Equal(0, AwsHarness.Provider(config).GetHealth().ConsecutiveFailures);
    }

    [Fact]
    public async Task An_optional_source_with_no_region_starts_empty_and_reports_it()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");

        var config = h.Build(aws =>
        {
            aws.Region = null;
            aws.RegionFromEnvironment = static () => null;
            aws.Optional = true;
            aws.Secret("prod/a", key: "A");
        });

        Assert.Null(config["A"]);
        var health = AwsHarness.Provider(config).GetHealth();
        Assert.Contains("No AWS region", health.LastError, StringComparison.Ordinal);
        Assert.Contains("No AWS region", h.Logs.AllText(), StringComparison.Ordinal);
        Assert.Empty(h.Fake.Requests);
    }

    [Fact]
    public async Task A_required_source_with_no_region_fails_the_build_naming_the_fix()
    {
        await using var h = await AwsHarness.StartAsync();

        var error = Assert.Throws<SecretSourceException>(() => h.Build(aws =>
        {
            aws.Region = null;
            aws.RegionFromEnvironment = static () => null;
            aws.Secret("prod/a", key: "A");
        }));

        Assert.Contains("No AWS region: set AwsSecretsManagerOptions.Region, AWS_REGION", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task A_wrong_secret_key_fails_with_the_error_code_and_never_the_services_message()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        var builder = new ConfigurationBuilder().AddKubernetesSecrets(secrets => h.Configure(secrets, aws =>
        {
            aws.Credentials = new Amazon.Runtime.SessionAWSCredentials(FakeSecretsManager.AccessKey, "wrong-SENTINEL-KEY", FakeSecretsManager.SessionToken);
            aws.Secret("prod/a", key: "A");
        }));

        var error = Assert.Throws<SecretSourceException>(() => builder.Build());

        // The service's message quotes the canonical request, session token included: it is dropped.
        Assert.Contains("InvalidSignatureException", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSecretsManager.AccessKey, error.ToString(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel(Sentinel);
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_body_fails_the_build_without_echoing_it(SmFault fault)
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.Fail("BatchGetSecretValue", fault);

        var error = Assert.Throws<SecretSourceException>(() => h.Build(aws => aws.Secret("prod/a", key: "A")));

        Assert.Contains("invalid response from Secrets Manager at", error.Message, StringComparison.Ordinal);
        Assert.Contains("BatchGetSecretValue", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, error.ToString(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel(Sentinel);
    }

    [Fact]
    public async Task Invalid_base64_in_SecretBinary_fails_that_secret_only()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.Put("prod/b", "b1");
        var config = h.Build(aws => aws.Secret("prod/a", key: "A").Secret("prod/b", key: "B"));
        var provider = AwsHarness.Provider(config);
        h.Fake.Put("prod/a", "a2");
        h.Fake.Put("prod/b", "b2");
        h.Fake.Fail("BatchGetSecretValue", new SmFault(200, $$"""{"SecretValues":[{"ARN":"{{h.Fake.ArnOf("prod/a")}}","Name":"prod/a","VersionId":"v-2","SecretBinary":"%%SENTINEL%%"},{"ARN":"{{h.Fake.ArnOf("prod/b")}}","Name":"prod/b","VersionId":"v-3","SecretString":"b2"}],"Errors":[]}"""));

        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["B"] == "b2", "the good secret updates");

        Assert.Equal("a1", config["A"]);
        Assert.Contains("not valid base64", h.Logs.AllText(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel(Sentinel);
    }

    [Fact]
    public async Task A_huge_body_is_refused()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.Fail("ListSecrets", new SmFault(200, "{\"SecretList\":[],\"Pad\":\"" + new string('x', 9 * 1024 * 1024) + "\"}"));

        var error = Assert.Throws<SecretSourceException>(() => h.Build(aws => aws.Secret("prod/a", key: "A")));

        Assert.Contains("to ListSecrets: the body is larger than 8 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_value_key_or_token_reaches_logs_or_errors_through_a_rotation_and_failures()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/db", """{"password":"SENTINEL-PW-1"}""");
        h.Fake.Put("prod/key", "SENTINEL-KEY-1");
        var config = h.Build(aws => aws.Secret("prod/db", section: "Db").Secret("prod/key", key: "Key"));
        var provider = AwsHarness.Provider(config);

        h.Fake.Put("prod/db", """{"password":"SENTINEL-PW-2"}""");
        h.Fake.SecretErrors["prod/key"] = "AccessDeniedException";
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["Db:password"] == "SENTINEL-PW-2", "the rotation lands");
        h.Fake.Fail("ListSecrets", new SmFault(400, """{"__type":"ThrottlingException","Message":"SENTINEL-MSG"}"""));
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => provider.GetHealth().ConsecutiveFailures > 0, "the refresh fails");

        h.Logs.AssertNoSentinel(Sentinel);
        Assert.DoesNotContain(FakeSecretsManager.AccessKey, h.Logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, provider.GetHealth().LastError ?? "", StringComparison.Ordinal);
        Assert.Equal("SENTINEL-KEY-1", config["Key"]);
    }
}
