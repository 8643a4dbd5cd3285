namespace K8sSecrets.Configuration.Azure;

/// <summary>How secret names become snapshot names: <c>--</c> separates sections, as in <c>AddAzureKeyVault</c>.</summary>
internal static class KeyVaultNames
{
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > 127)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The snapshot name of a secret (<c>/</c> separated), or <see langword="null"/> when nothing is left of it.</summary>
    public static string? ToSnapshotName(string name, string? prefix, string? key)
    {
        if (key is not null)
        {
            return key.Replace(':', '/');
        }

        if (!string.IsNullOrEmpty(prefix) && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            name = name[prefix.Length..];
        }

        var mapped = name.Replace("--", "/", StringComparison.Ordinal).Trim('/');
        return mapped.Length == 0 ? null : mapped;
    }

    public static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
