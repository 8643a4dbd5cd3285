namespace K8sSecrets.Configuration.Chaos.Tests.Soak;

/// <summary>The soak's trend is the least-squares slope: a leak of one object per rotation shows through noise; a step or noise alone is small.</summary>
public sealed class TrendTests
{
    [Fact]
    public void A_steady_leak_under_noise_shows_as_its_slope()
    {
        var random = new Random(22);
        double[] x = [.. Enumerable.Range(1, 40).Select(i => i * 250.0)];
        double[] leaking = [.. x.Select(r => 1_000_000 + (r * 48) + random.Next(-8192, 8192))];
        double[] flat = [.. x.Select(_ => 1_000_000.0 + random.Next(-8192, 8192))];

        Assert.InRange(Trend.Slope(x, leaking) * 1000, 46_000, 50_000);
        Assert.InRange(Trend.Slope(x, flat) * 1000, -2_000, 2_000);
    }

    [Fact]
    public void A_count_that_does_not_move_has_no_slope_and_one_that_grows_by_one_per_thousand_has_one()
    {
        double[] x = [1000, 2000, 3000, 4000];

        Assert.Equal(0, Trend.Slope(x, [7, 7, 7, 7]));
        Assert.Equal(1, Trend.Slope(x, [7, 8, 9, 10]) * 1000, 9);
        Assert.Throws<ArgumentException>(() => Trend.Slope([1], [1]));
    }
}
