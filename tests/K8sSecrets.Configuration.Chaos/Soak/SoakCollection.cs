namespace K8sSecrets.Configuration.Chaos.Tests.Soak;

/// <summary>
/// The soak tests read process-wide counters (managed heap, open descriptors, threads, timers): they
/// run one at a time and after every parallel collection of the project (the seeded chaos included)
/// has finished, so nothing else in the process moves those counters while they sample.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "Soak";
}
