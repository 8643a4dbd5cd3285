namespace K8sSecrets.Configuration;

/// <summary>
/// Reads a small credential file (a projected service-account token, a Vault Agent token sink, a
/// mounted AppRole secret_id) the one way every source does: the whole file, trimmed, never empty.
/// Errors name the file and the cause, never its content.
/// </summary>
public static class SecretFile
{
    /// <summary>Reads the file's text, trimmed of surrounding white space.</summary>
    /// <param name="path">The file.</param>
    /// <param name="description">What the file is, for errors, for example <c>service-account token file</c>.</param>
    /// <returns>The trimmed, non-empty text.</returns>
    /// <exception cref="SecretSourceException">The file cannot be read or holds only white space.</exception>
    public static string ReadTrimmed(string path, string description)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(description);
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.Length > 0 ? text : throw new SecretSourceException($"The {description} '{path}' is empty.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecretSourceException($"The {description} '{path}' could not be read ({ex.GetType().Name}).");
        }
    }
}
