using System.Globalization;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>Prints a <see cref="FleetResult"/> of the Vault or Kubernetes API fleet, one field a line, for <c>fleet-vault</c> and <c>fleet-api</c>.</summary>
internal static class VaultApiReport
{
    public static void Print(FleetResult r)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            {r.Store}, {r.Scenario}: {r.Clients} clients x {r.SecretsPerClient} secrets, started over {S(r.StartWindow)}
              all loaded:          {S(r.AllLoaded)} (quota-bound minimum {S(r.QuotaBoundMinimum)})
              requests answered:   {r.Requests}, throttled {r.Throttled}
              Build() failures:    {r.BuildFailures}
              quota:               {(r.QuotaPerSecond is { } q ? q.ToString("0", CultureInfo.InvariantCulture) + "/s" : "none")}
              peak rate:           {r.PeakRate:0}/s; steady {(r.SteadyRate is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) + "/s" : "n/a")}
              propagation:         p50 {S(r.PropagationP50)}, p99 {S(r.PropagationP99)}, max {S(r.PropagationMax)}
              rate per second:     {string.Join(" ", r.RatePerSecond.Select(static x => x.ToString("0", CultureInfo.InvariantCulture)))}
              notes:               {r.Notes}
            """));
    }

    private static string S(TimeSpan? t) => t is { } v ? v.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "n/a";
}
