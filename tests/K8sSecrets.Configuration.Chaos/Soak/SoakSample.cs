namespace K8sSecrets.Configuration.Chaos.Tests.Soak;

/// <summary>One sample of a soak: after how many rotations, the process counters, and the timers armed on the fake clock.</summary>
internal readonly record struct SoakSample(int Rotation, ProcessCounters Counters, int ClockTimers);
