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

    /// <summary>
    /// Checks that a condition holds, and keeps holding, for a short bounded time: the way to
    /// show that something does not happen (no second reload, no request after disposal).
    /// </summary>
    public static async Task StaysAsync(Func<bool> condition, string because, TimeSpan? during = null)
    {
        var deadline = Environment.TickCount64 + (long)(during ?? TimeSpan.FromMilliseconds(500)).TotalMilliseconds;
        do
        {
            if (!condition())
            {
                throw new Xunit.Sdk.XunitException($"Expected that {because}, but it stopped holding.");
            }

            await Task.Delay(10);
        }
        while (Environment.TickCount64 <= deadline);
    }
}
