namespace K8sSecrets.Configuration.Chaos.Tests.Soak;

/// <summary>The least-squares line through samples taken at rotation counts: the trend, not any one reading.</summary>
internal static class Trend
{
    /// <summary>The slope of the least-squares fit of <paramref name="y"/> on <paramref name="x"/>, per unit of x.</summary>
    public static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count || x.Count < 2)
        {
            throw new ArgumentException("A trend needs at least two samples, one y per x.");
        }

        var meanX = x.Average();
        var meanY = y.Average();
        double covariance = 0, variance = 0;
        for (var i = 0; i < x.Count; i++)
        {
            covariance += (x[i] - meanX) * (y[i] - meanY);
            variance += (x[i] - meanX) * (x[i] - meanX);
        }

        return variance == 0 ? 0 : covariance / variance;
    }
}
