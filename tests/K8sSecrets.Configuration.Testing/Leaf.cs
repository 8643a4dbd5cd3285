using System.Text;

namespace K8sSecrets.Configuration.Testing;

/// <summary>A leaf as cert-manager writes it: tls.crt (leaf + intermediate) and tls.key.</summary>
public sealed record Leaf(string Chain, string KeyPem, string Thumbprint)
{
    /// <summary>The Secret's payload, with <paramref name="caPem"/> as ca.crt when given.</summary>
    public Dictionary<string, byte[]> Secret(string? caPem) => Payload(Chain, KeyPem, caPem);

    /// <summary>A line of the key's base64 body: a sentinel that must never reach a log.</summary>
    public string KeySentinel => KeyPem.Split('\n')[1].Trim();

    public static Dictionary<string, byte[]> Payload(string chain, string keyPem, string? caPem)
    {
        var payload = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["tls.crt"] = Encoding.UTF8.GetBytes(chain),
            ["tls.key"] = Encoding.UTF8.GetBytes(keyPem),
        };
        if (caPem is not null)
        {
            payload["ca.crt"] = Encoding.UTF8.GetBytes(caPem);
        }

        return payload;
    }
}
