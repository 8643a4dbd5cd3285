using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>
/// Secrets Manager's request quotas per account and region, opt-in on <see cref="FakeSecretsManager.Quota"/>:
/// <c>ListSecrets</c> and <c>BatchGetSecretValue</c> 100 per second each, <c>GetSecretValue</c> 10,000.
/// Over one, the call is answered 400 <c>ThrottlingException</c> ("Rate exceeded") in the awsJson error
/// shape, without <c>Retry-After</c> (the service sends none; SDKs back off on their own).
/// </summary>
public sealed class SecretsManagerQuota
{
    public const int ListSecretsPerSecond = 100;
    public const int BatchGetPerSecond = 100;
    public const int GetSecretValuePerSecond = 10_000;

    /// <param name="clock">The clock the one-second windows are counted on.</param>
    /// <param name="scale">Multiplies every limit (a test scales them down to make throttling happen with a few clients).</param>
    /// <param name="window">The window (one second by default; a test may shorten it, keeping the per-window limits).</param>
    public SecretsManagerQuota(TimeProvider clock, double scale = 1, TimeSpan? window = null)
    {
        var length = window ?? TimeSpan.FromSeconds(1);
        ListSecrets = new QuotaWindow(clock, Scaled(ListSecretsPerSecond, scale), length);
        BatchGetSecretValue = new QuotaWindow(clock, Scaled(BatchGetPerSecond, scale), length);
        GetSecretValue = new QuotaWindow(clock, Scaled(GetSecretValuePerSecond, scale), length);
    }

    public QuotaWindow ListSecrets { get; }

    public QuotaWindow BatchGetSecretValue { get; }

    public QuotaWindow GetSecretValue { get; }

    public long Refused => ListSecrets.Refused + BatchGetSecretValue.Refused + GetSecretValue.Refused;

    /// <summary>Admits a call, or gives the throttling answer.</summary>
    /// <returns><see langword="null"/> when admitted; else the status and body to answer with.</returns>
    internal (int Status, string Json)? Admit(string action)
    {
        var quota = action switch
        {
            "ListSecrets" => ListSecrets,
            "BatchGetSecretValue" => BatchGetSecretValue,
            "GetSecretValue" => GetSecretValue,
            _ => null,
        };
        return quota?.TryTake() is null ? null : (400, """{"__type":"ThrottlingException","Message":"Rate exceeded"}""");
    }

    private static int Scaled(int limit, double scale) => Math.Max(1, (int)(limit * scale));
}
