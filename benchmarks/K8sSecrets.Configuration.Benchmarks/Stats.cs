using System.Globalization;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>Summaries of samples for the probes' output lines.</summary>
internal static class Stats
{
    /// <summary>Median, p90 and max of durations in milliseconds.</summary>
    public static string Milliseconds(List<double> samples)
    {
        var sorted = samples.Order().ToList();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"median {sorted[sorted.Count / 2]:F2} ms, p90 {sorted[(int)(sorted.Count * 0.9)]:F2} ms, min {sorted[0]:F2} ms, max {sorted[^1]:F2} ms");
    }

    /// <summary>Min, median and max of times in seconds.</summary>
    public static string Seconds(List<double> samples)
    {
        var sorted = samples.Order().ToList();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"min {sorted[0]:F3} s, median {sorted[sorted.Count / 2]:F3} s, max {sorted[^1]:F3} s");
    }

    /// <summary>The most times that fall in one whole second (0-1 s, 1-2 s, ...), and which second.</summary>
    public static string BusiestSecond(List<double> seconds)
    {
        var busiest = seconds.GroupBy(s => (int)Math.Floor(s)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First();
        return string.Create(CultureInfo.InvariantCulture, $"{busiest.Count()} in {busiest.Key}-{busiest.Key + 1} s");
    }
}
