using System.Text;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>How one seed went; <see cref="Report"/> is what a failure prints, enough to replay it.</summary>
internal sealed record ChaosResult(string Source, int Seed, IReadOnlyList<ChaosStep> Schedule, int Played, IReadOnlyList<string> Violations, int SettleTimeouts, TimeSpan? Converged, int Warnings, IReadOnlyList<string> LogTail, int Notes)
{
    public bool Passed => Violations.Count == 0;

    public string Report()
    {
        var text = new StringBuilder();
        text.AppendLine($"seed={Seed} source={Source}");
        text.AppendLine($"  replay: K8SSECRETS_CHAOS_SEED={Seed} dotnet test tests/K8sSecrets.Configuration.Chaos --filter <Source>ChaosTests; keep it as [InlineData({Seed})] once fixed");
        text.AppendLine($"  schedule ({Schedule.Count} steps, {Played} played{(SettleTimeouts > 0 ? $", settling timed out {SettleTimeouts} times" : string.Empty)}):");
        for (var i = 0; i < Schedule.Count; i++)
        {
            text.AppendLine($"    {i + 1,3}. {Schedule[i]}");
        }

        text.AppendLine("  violations:");
        foreach (var violation in Violations.Take(12))
        {
            text.AppendLine("    " + violation);
        }

        if (Violations.Count > 12)
        {
            text.AppendLine($"    ... and {Violations.Count - 12} more");
        }

        text.AppendLine($"  last {LogTail.Count} log lines:");
        foreach (var line in LogTail)
        {
            text.AppendLine("    " + line);
        }

        return text.ToString();
    }
}
