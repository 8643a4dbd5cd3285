using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>Issue 18 follow-up: attacks through the public API on the fixes of items 1 to 4 and 8.</summary>
public sealed class AttackTests
{
    [Fact]
    public async Task A_far_future_Date_on_a_refused_signature_cannot_make_every_later_request_fail()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");

        // A refusal whose Date is the last minutes of year 9999 (a proxy's or a broken clock's): the
        // correction learned from it must not leave the signer unable to sign once time moves on.
        var config = h.Build(aws => aws.Secret("prod/a", key: "A"));
        h.Fake.ServerClockOffset = new DateTimeOffset(9999, 12, 31, 23, 50, 0, TimeSpan.Zero) - h.Clock.GetUtcNow();
        var before = h.Fake.Requests.Count;
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Eventually.HoldsAsync(() => h.Fake.Requests.Count > before, "the poll answered with the far Date runs");
        await h.Clock.WaitUntilIdleAsync();
        h.Fake.ServerClockOffset = TimeSpan.Zero;

        h.Fake.Put("prod/a", "a2");
        for (var i = 0; i < 4 && config["A"] != "a2"; i++)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
            await h.Clock.WaitUntilIdleAsync();
        }

        Assert.Equal("a2", config["A"]);
    }

    [Fact]
    public async Task A_secret_declared_by_name_is_found_again_when_recreated_while_listing_is_denied()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.DenyListSecrets = true;
        h.Fake.Put("prod/a", "a1", arnSuffix: "AbCdEf");
        var config = h.Build(aws => aws.Secret("prod/a", key: "A"));
        Assert.Equal("a1", config["A"]);

        // Deleted and created again under the same name: a new ARN. The name still declares it.
        h.Fake.Delete("prod/a");
        h.Fake.Put("prod/a", "a2", arnSuffix: "QwErTy");
        for (var i = 0; i < 4 && config["A"] != "a2"; i++)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
            await h.Clock.WaitUntilIdleAsync();
        }

        Assert.Equal("a2", config["A"]);
    }
}
