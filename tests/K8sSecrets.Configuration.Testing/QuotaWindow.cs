namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// One published store quota: at most <see cref="Limit"/> requests per fixed <see cref="Window"/> on a
/// clock (the test's or the simulation's, shared with the clients), as the stores count them: a window
/// starts at a whole multiple of its length, an admitted request uses one unit, a refused (throttled) one
/// uses none. Every answer is also counted per second of the clock, for the fleet report's rate chart.
/// Thread-safe.
/// </summary>
public sealed class QuotaWindow
{
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly DateTimeOffset _origin;
    private readonly List<int> _admitted = [];
    private readonly List<int> _refused = [];
    private long _windowIndex = long.MinValue;
    private int _used;

    /// <param name="clock">The clock the windows are counted on.</param>
    /// <param name="limit">Requests admitted per window.</param>
    /// <param name="window">The window's length (10 s for Key Vault, 1 s for AWS, 1 min for Google).</param>
    public QuotaWindow(TimeProvider clock, int limit, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _clock = clock;
        Limit = limit;
        Window = window;
        _origin = clock.GetUtcNow();
    }

    public int Limit { get; }

    public TimeSpan Window { get; }

    /// <summary>Gets the quota as a rate per second.</summary>
    public double PerSecond => Limit / Window.TotalSeconds;

    public long Admitted { get; private set; }

    public long Refused { get; private set; }

    /// <summary>
    /// Takes one unit of the current window.
    /// </summary>
    /// <returns><see langword="null"/> when admitted; else the time until the window ends (the store's <c>Retry-After</c>).</returns>
    public TimeSpan? TryTake()
    {
        var now = _clock.GetUtcNow();
        var windowIndex = now.UtcTicks / Window.Ticks;
        var second = (int)Math.Max(0, (now - _origin).TotalSeconds);
        lock (_lock)
        {
            if (windowIndex != _windowIndex)
            {
                _windowIndex = windowIndex;
                _used = 0;
            }

            if (_used < Limit)
            {
                _used++;
                Admitted++;
                Count(_admitted, second);
                return null;
            }

            Refused++;
            Count(_refused, second);
        }

        return TimeSpan.FromTicks(((windowIndex + 1) * Window.Ticks) - now.UtcTicks);
    }

    /// <summary>Gets the admitted and refused answers in each second since the quota was created (index = second).</summary>
    public (int[] Admitted, int[] Refused) PerSecondCounts()
    {
        lock (_lock)
        {
            var length = Math.Max(_admitted.Count, _refused.Count);
            return (Pad(_admitted, length), Pad(_refused, length));
        }
    }

    private static void Count(List<int> counts, int second)
    {
        while (counts.Count <= second)
        {
            counts.Add(0);
        }

        counts[second]++;
    }

    private static int[] Pad(List<int> counts, int length)
    {
        var padded = new int[length];
        counts.CopyTo(padded);
        return padded;
    }
}
