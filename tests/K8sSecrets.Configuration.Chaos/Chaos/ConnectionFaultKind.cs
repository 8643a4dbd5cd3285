namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>The connection faults <see cref="ChaosHandler"/> plays.</summary>
internal enum ConnectionFaultKind
{
    /// <summary>Reset before any answer.</summary>
    Reset,

    /// <summary>No answer until some fake time has passed, then reset.</summary>
    Hang,

    /// <summary>The real answer, after some fake time.</summary>
    Slow,

    /// <summary>A made-up answer (status, headers, any body), as a proxy in between would send.</summary>
    Status,
}
