namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// The faults every HTTP target plays the same way: connections reset, hung or slow (through the
/// world's handlers), and a step of the wall clock. Each target keeps its own store faults and hands
/// the rest here, so a seed draws and plays these the same whichever store it runs against.
/// </summary>
internal static class CommonFaults
{
    /// <summary>The connection faults, in the order the targets list them last (the order is part of every seed's schedule).</summary>
    public static readonly string[] Connection = ["reset", "hang", "slow"];

    /// <summary>
    /// Gets the convergence bound of a target that polls its store every 30 s over HTTP. After the faults
    /// stop: a request parked by a hang ends within 60 s (the longest <see cref="Next"/> draws); the next
    /// read comes within the failure backoff (MaxRetryDelay 30 s) or a Retry-After (capped at
    /// MaxRetryAfter, 60 s), and at the latest at the next poll (30 s, jittered or shortened by up to
    /// 10 %). 60 + 60 + 30 = 150 s; the bound is 5 minutes.
    /// </summary>
    public static TimeSpan PolledConvergenceBound { get; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Draws the argument of a common fault: resets 1 to <paramref name="maxResets"/>, a hang or slow
    /// answer 1 to 60 s, a clock step -30 to 30 minutes; <see langword="null"/> for any other fault.
    /// It draws once from <paramref name="random"/>, or not at all, so recorded seeds keep their schedules.
    /// </summary>
    public static FaultStep? Next(string name, Random random, int maxResets = 3) => name switch
    {
        "reset" => new FaultStep(name, random.Next(1, maxResets + 1)),
        "hang" or "slow" => new FaultStep(name, random.Next(1, 61)),
        "clock-step" => new FaultStep(name, random.Next(-30, 31)),
        _ => null,
    };

    /// <summary>Plays a common fault; <see langword="false"/> when <paramref name="fault"/> is not one.</summary>
    public static bool TryApply(ChaosWorld world, FaultStep fault)
    {
        switch (fault.Name)
        {
            case "reset":
                for (var i = 0; i < fault.Arg; i++)
                {
                    world.EnqueueConnectionFault(ConnectionFault.Reset);
                }

                return true;
            case "hang":
                world.EnqueueConnectionFault(ConnectionFault.Hang(TimeSpan.FromSeconds(fault.Arg)));
                return true;
            case "slow":
                world.EnqueueConnectionFault(ConnectionFault.Slow(TimeSpan.FromSeconds(fault.Arg)));
                return true;
            case "clock-step":
                world.Clock.WallClockStep += TimeSpan.FromMinutes(fault.Arg);
                return true;
            default:
                return false;
        }
    }
}
