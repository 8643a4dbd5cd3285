namespace K8sSecrets.Configuration.Testing;

/// <summary>The PEM a test leaf's private key is written in.</summary>
public enum KeyFormat
{
    Pkcs8,
    Pkcs1,
    Ec,
}
