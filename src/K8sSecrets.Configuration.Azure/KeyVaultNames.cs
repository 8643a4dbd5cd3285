namespace K8sSecrets.Configuration.Azure;

/// <summary>
/// Which secret names are valid, and which snapshot name a secret gets. The snapshot name keeps
/// <c>--</c>: the engine maps it to <c>:</c> through <see cref="SecretSourceOptions.KeyDelimiters"/>,
/// which <see cref="AzureKeyVaultOptions"/> sets to <c>["--"]</c>, as <c>AddAzureKeyVault</c> maps names.
/// </summary>
internal static class KeyVaultNames
{
    /// <summary>The separator of sections in a secret name, as <c>AddAzureKeyVault</c> reads it.</summary>
    public const string Separator = "--";

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

    /// <summary>The snapshot name of a secret, or <see langword="null"/> when nothing is left of it.</summary>
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

        // Leading and trailing separators would give empty key segments: drop them, as a prefix
        // without its own trailing "--" (Prefix = "payments") should.
        while (name.StartsWith(Separator, StringComparison.Ordinal))
        {
            name = name[Separator.Length..];
        }

        while (name.EndsWith(Separator, StringComparison.Ordinal))
        {
            name = name[..^Separator.Length];
        }

        return name.Length == 0 ? null : name;
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
