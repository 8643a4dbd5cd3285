namespace K8sSecrets.Configuration.ExternalSecrets.Stores;

/// <summary>
/// The Vault API path the ESO controller reads for a <c>remoteRef.key</c>: its <c>buildPath</c>
/// (external-secrets/external-secrets, providers/v1/vault/client_get.go at cc5bfbc2), split into
/// the KV mount and the path below it, which is what the Vault source is given.
/// </summary>
internal static class VaultKeyPath
{
    private const string Data = "/data/";

    /// <summary>
    /// The controller's rule. With a store <c>path</c>: a key that starts with <c>path/</c> loses
    /// it (and then, for v2, a leading <c>data/</c>); the store path (and <c>data</c> for v2) is put
    /// in front. Without one: a v2 key that holds <c>/data/</c> is read as it is, else <c>data</c>
    /// is put after its first segment; a v1 key is read as it is.
    /// </summary>
    public static string Build(string? storePath, bool kv2, string key)
    {
        if (storePath is not null)
        {
            var below = key;
            if (key.StartsWith(storePath + "/", StringComparison.Ordinal))
            {
                below = key[(storePath.Length + 1)..];
                if (kv2 && below.StartsWith("data/", StringComparison.Ordinal))
                {
                    below = below[5..];
                }
            }

            return kv2 ? storePath + "/data/" + below : storePath + "/" + below;
        }

        if (!kv2 || key.Contains(Data, StringComparison.Ordinal))
        {
            return key;
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key + "/data" : key[..slash] + "/data" + key[slash..];
    }

    /// <summary>
    /// Splits a built path into the mount and the secret below it: the store path when set, else
    /// (v2) the part before the first <c>/data/</c>, or (v1) the first segment. For v2,
    /// <c>mount/data/below</c> is the built path again; for v1, <c>mount/below</c>.
    /// </summary>
    /// <returns>The mount and the path below it, or <see langword="null"/> when the path names no secret below a mount.</returns>
    public static (string Mount, string Below)? Split(string? storePath, bool kv2, string apiPath)
    {
        int at;
        int skip;
        if (storePath is not null)
        {
            at = storePath.Length;
            skip = kv2 ? Data.Length : 1;
        }
        else if (kv2)
        {
            at = apiPath.IndexOf(Data, StringComparison.Ordinal);
            skip = Data.Length;
        }
        else
        {
            at = apiPath.IndexOf('/', StringComparison.Ordinal);
            skip = 1;
        }

        if (at <= 0 || at + skip >= apiPath.Length)
        {
            return null;
        }

        var below = apiPath[(at + skip)..];
        return below.Split('/').Contains(string.Empty) ? null : (apiPath[..at], below);
    }
}
