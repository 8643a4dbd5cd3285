namespace K8sSecrets.Configuration.Chaos.Tests.Soak;

/// <summary>One reading of the process-wide resources a leak would grow.</summary>
internal readonly record struct ProcessCounters(long ManagedBytes, int Handles, int Threads, long Timers)
{
    /// <summary>Reads the counters after a full, compacting collection, so the heap figure is live data only.</summary>
    public static ProcessCounters Read()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        return new(managed, CountHandles(), CountThreads(), Timer.ActiveCount);
    }

    private static int CountHandles()
        => Directory.Exists("/proc/self/fd") ? Directory.GetFileSystemEntries("/proc/self/fd").Length : 0;

    private static int CountThreads()
    {
        const string prefix = "Threads:";
        if (File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return int.Parse(line.AsSpan(prefix.Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.Threads.Count;
    }
}
