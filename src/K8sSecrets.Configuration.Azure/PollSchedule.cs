namespace K8sSecrets.Configuration.Azure;

/// <summary>
/// When a pod polls its vault. The first poll after start-up falls anywhere in the first tenth to
/// the whole of the interval, so that pods started together (a rollout, a node drain) spread their
/// polls over the interval at once; later polls come every interval shortened by up to 10%, so they stay spread.
/// </summary>
internal static class PollSchedule
{
    public const double Jitter = 0.1;

    /// <param name="interval">The poll interval.</param>
    /// <param name="random">A random number in [0, 1).</param>
    public static TimeSpan First(TimeSpan interval, double random) => interval * (Jitter + ((1 - Jitter) * (1 - random)));

    /// <param name="interval">The poll interval.</param>
    /// <param name="random">A random number in [0, 1).</param>
    public static TimeSpan Next(TimeSpan interval, double random) => interval * (1 - (Jitter * random));
}
