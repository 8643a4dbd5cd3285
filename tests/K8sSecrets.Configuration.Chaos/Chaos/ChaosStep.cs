namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>One step of a seed's schedule; its text is what a failing seed prints.</summary>
internal abstract record ChaosStep;

/// <summary>
/// A store write: version <paramref name="N"/> of each group in <paramref name="Masks"/> (group to
/// bit mask of the keys it holds; 0 deletes the group). Every key written gets the value
/// <c>v{N}:{key}</c>, so a published value says which version it came from.
/// </summary>
internal sealed record WriteStep(int N, IReadOnlyDictionary<int, int> Masks) : ChaosStep
{
    public override string ToString()
        => $"write v{N}: " + string.Join(", ", Masks.OrderBy(m => m.Key).Select(m => $"g{m.Key}=[{string.Join(" ", ChaosStore.KeysOf(m.Key, m.Value))}]"));
}

/// <summary>A fault the source's target plays: <paramref name="Name"/> with an argument (a count, seconds or a code).</summary>
internal sealed record FaultStep(string Name, int Arg = 0) : ChaosStep
{
    public override string ToString() => $"fault {Name}({Arg})";
}

/// <summary>Moves the fake clock forward, through every timer that falls due on the way, the system settling at each.</summary>
internal sealed record AdvanceStep(TimeSpan By) : ChaosStep
{
    public override string ToString() => $"advance {By.TotalSeconds:0.###} s";
}
