using System.Globalization;
using ScottPlot;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>Draws a fleet run's requests per simulated second against the quota line (PNG, ScottPlot).</summary>
internal static class FleetChart
{
    /// <summary>Writes one PNG per quota-counted operation; returns their paths.</summary>
    public static List<string> Save(FleetResult result, IReadOnlyList<FleetSeries> series, string folder)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        foreach (var s in series.Where(s => s.Rate.Length > 0 && s.Rate.Any(r => r > 0)))
        {
            var plot = new Plot();
            var rate = plot.Add.Signal(s.Rate);
            rate.LegendText = $"{s.Operation} requests/s (throttled included)";
            var throttled = plot.Add.Signal(s.Throttled);
            throttled.LegendText = "throttled answers/s";
            throttled.Color = Colors.OrangeRed;
            if (s.Window > TimeSpan.FromSeconds(1))
            {
                // The quota counts whole windows: what it admitted per window, as a rate, is what meets the quota line.
                var perWindow = PerWindow(s.Admitted, (int)s.Window.TotalSeconds);
                var admitted = plot.Add.Signal(perWindow);
                admitted.LegendText = string.Create(CultureInfo.InvariantCulture, $"admitted per {s.Window.TotalSeconds:0} s window, as a rate");
                admitted.Color = Colors.Green;
                admitted.LineWidth = 2;
            }

            var quota = plot.Add.HorizontalLine(s.QuotaPerSecond);
            quota.LegendText = string.Create(CultureInfo.InvariantCulture, $"quota {s.QuotaPerSecond:0.##}/s");
            quota.LinePattern = LinePattern.Dashed;
            quota.Color = Colors.Black;
            var half = plot.Add.HorizontalLine(s.QuotaPerSecond / 2);
            half.LegendText = "half the quota (steady-state target)";
            half.LinePattern = LinePattern.Dotted;
            half.Color = Colors.Gray;
            plot.Title(string.Create(CultureInfo.InvariantCulture, $"{result.Store}: {result.Clients} clients x {result.SecretsPerClient} secrets, {s.Operation}"));
            plot.XLabel("simulated seconds since the first client started");
            plot.YLabel("requests per second");
            plot.Axes.SetLimitsY(0, Math.Max(s.Rate.Max(), s.QuotaPerSecond) * 1.15);
            plot.ShowLegend(Alignment.UpperRight);
            var name = $"fleet-{Slug(result.Store)}{(series.Count > 1 ? "-" + Slug(s.Operation) : string.Empty)}.png";
            var path = Path.Combine(folder, name);
            plot.SavePng(path, 1100, 500);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>Each second's value is the mean rate of the fixed window it falls in.</summary>
    private static double[] PerWindow(double[] perSecond, int window)
    {
        var result = new double[perSecond.Length];
        for (var start = 0; start < perSecond.Length; start += window)
        {
            var end = Math.Min(start + window, perSecond.Length);
            var mean = perSecond[start..end].Sum() / window;
            Array.Fill(result, mean, start, end - start);
        }

        return result;
    }

    private static string Slug(string text)
        => string.Concat(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Split('-', StringSplitOptions.RemoveEmptyEntries) is var parts ? string.Join('-', parts) : text;
}
