using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Vault.Tests;

/// <summary>
/// The Vault source's schedule arithmetic on timestamps. Found by seeded chaos (vault, long mode): a
/// timestamp of a clock counted in DateTime ticks (about 6.4e17, as FakeTimeProvider's) does not fit a
/// double exactly (neighbours are 128 apart), so a path due 16 ticks from now was "not due" to the
/// read but 0 s away to the engine, which read again at once, for ever, without time moving.
/// </summary>
public sealed class MonotonicTests
{
    [Fact]
    public void A_due_time_in_the_future_is_never_zero_away_and_waits_add_up_exactly()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(639028225147830000, TimeSpan.Zero));
        for (var offset = 0; offset < 256; offset++)
        {
            var now = time.GetTimestamp() + offset;
            for (var ticks = 1; ticks <= 200; ticks++)
            {
                var wait = TimeSpan.FromTicks(ticks);
                var due = time.After(now, wait);

                Assert.Equal(now + ticks, due);
                Assert.Equal(wait, time.Until(now, due, TimeSpan.FromDays(1)));
            }
        }
    }

    [Fact]
    public void Waits_on_a_nanosecond_clock_round_up_so_a_due_time_still_ahead_is_never_zero_away()
    {
        var nanoseconds = new NanosecondClock(200_000_000_000_000_000);
        var now = nanoseconds.GetTimestamp();

        Assert.Equal(TimeSpan.FromTicks(1), nanoseconds.Until(now, now + 1, TimeSpan.FromDays(1)));
        Assert.Equal(now + 1_000_000_000, nanoseconds.After(now, TimeSpan.FromSeconds(1)));
        Assert.Equal(Monotonic.Never, nanoseconds.After(now, TimeSpan.MaxValue));
        Assert.Equal(TimeSpan.FromDays(1), nanoseconds.Until(now, Monotonic.Never, TimeSpan.FromDays(1)));
    }

    private sealed class NanosecondClock(long timestamp) : TimeProvider
    {
        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => timestamp;
    }
}
