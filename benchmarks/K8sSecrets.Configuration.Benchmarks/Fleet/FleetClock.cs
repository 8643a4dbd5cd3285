using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>
/// The simulation's time: a <see cref="FakeTimeProvider"/> that a background thread moves forward at
/// <see cref="Speed"/> times real time (in steps of about 5 ms). The clients' engines and the fakes'
/// quota windows run on it, so a 5-minute poll interval can pass in 15 s while the quota still counts
/// the same requests per simulated second. A run that cannot keep up (the machine is busy) simply
/// moves time less: timer callbacks run on the driving thread inside each step.
/// </summary>
internal sealed class FleetClock : IDisposable
{
    private readonly Thread _driver;
    private volatile bool _stop;
    private double _speed;

    public FleetClock()
    {
        Start = Time.GetUtcNow();
        _driver = new Thread(Drive) { IsBackground = true, Name = "fleet clock" };
        _driver.Start();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public DateTimeOffset Start { get; }

    /// <summary>Gets the simulated time since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => Time.GetUtcNow() - Start;

    /// <summary>Gets or sets simulated seconds per real second (0, time standing still, until set).</summary>
    public double Speed
    {
        get => Volatile.Read(ref _speed);
        set => Volatile.Write(ref _speed, value);
    }

    /// <summary>Waits (real time, polling) until simulated time reaches <paramref name="at"/> or <paramref name="done"/> holds.</summary>
    public async Task WaitUntilAsync(TimeSpan at, Func<bool>? done = null)
    {
        while (Elapsed < at && done?.Invoke() != true)
        {
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _driver.Join();
    }

    private void Drive()
    {
        var watch = Stopwatch.StartNew();
        var last = watch.Elapsed;
        while (!_stop)
        {
            Thread.Sleep(5);
            var now = watch.Elapsed;
            var step = (now - last) * Speed;
            last = now;

            // Never more than 1 s of simulated time at once, so that due timers fire near their time.
            Time.Advance(step < TimeSpan.FromSeconds(1) ? step : TimeSpan.FromSeconds(1));
        }
    }
}
