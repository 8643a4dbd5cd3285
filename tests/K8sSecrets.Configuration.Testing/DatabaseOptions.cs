namespace K8sSecrets.Configuration.Testing;

/// <summary>The options the host tests bind below <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public string? Username { get; set; }

    public string? Password { get; set; }
}
