namespace K8sSecrets.Configuration.Testing;

/// <summary>Bounded real waits: poll a condition until it holds or a deadline passes.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = Environment.TickCount64 + (long)(timeout ?? DefaultTimeout).TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    public static async Task HoldsAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        if (!await TrueAsync(condition, timeout))
        {
            throw new Xunit.Sdk.XunitException($"Timed out waiting until {because}.");
        }
    }
}
