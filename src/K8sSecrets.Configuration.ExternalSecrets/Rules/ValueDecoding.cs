namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary><c>decodingStrategy</c>; a legacy <c>isBinary: true</c> is <see cref="Base64"/>.</summary>
internal enum ValueDecoding
{
    None,
    Base64,
    Base64Url,
    Auto,
}
