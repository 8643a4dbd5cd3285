namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>What <see cref="ChaosHandler"/> plays on one request.</summary>
internal sealed record ConnectionFault(ConnectionFaultKind Kind, TimeSpan Wait = default, int Status = 0, string? Body = null, int? RetryAfterSeconds = null, string? ContentType = null)
{
    public static ConnectionFault Reset { get; } = new(ConnectionFaultKind.Reset);

    public static ConnectionFault Hang(TimeSpan wait) => new(ConnectionFaultKind.Hang, wait);

    public static ConnectionFault Slow(TimeSpan wait) => new(ConnectionFaultKind.Slow, wait);

    /// <summary>An answer made up before the store sees the request (a proxy's or a load balancer's), with any body.</summary>
    public static ConnectionFault Answer(int status, string body, int? retryAfterSeconds = null, string? contentType = null)
        => new(ConnectionFaultKind.Status, default, status, body, retryAfterSeconds, contentType);
}
