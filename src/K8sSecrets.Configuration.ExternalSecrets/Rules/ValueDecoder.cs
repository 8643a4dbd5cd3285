using System.Text;

namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary><c>decodingStrategy</c>: Go's padded standard and URL base64, and <c>Auto</c> (standard, then URL, else as it is).</summary>
internal static class ValueDecoder
{
    public static SecretValue Decode(string value, ValueDecoding decoding, string what) => decoding switch
    {
        ValueDecoding.None => SecretValue.FromText(value),
        ValueDecoding.Base64 => TryStandard(value) is { } bytes ? new(null, bytes) : throw new RuleException($"{what} is not valid padded base64 (decodingStrategy Base64)"),
        ValueDecoding.Base64Url => TryUrl(value) is { } bytes ? new(null, bytes) : throw new RuleException($"{what} is not valid padded base64url (decodingStrategy Base64URL)"),
        _ => TryStandard(value) is { } standard ? new(null, standard) : TryUrl(value) is { } url ? new(null, url) : SecretValue.FromText(value),
    };

    private static byte[]? TryStandard(string value)
    {
        if (value.Contains('-', StringComparison.Ordinal) || value.Contains('_', StringComparison.Ordinal))
        {
            return null;
        }

        return Convert(value);
    }

    private static byte[]? TryUrl(string value)
    {
        if (value.Contains('+', StringComparison.Ordinal) || value.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        return Convert(value.Replace('-', '+').Replace('_', '/'));
    }

    private static byte[]? Convert(string value)
    {
        // Go's decoder skips line breaks only; any other white space is an error.
        var text = value.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);
        if (text.Length % 4 != 0 || text.Any(static c => c is ' ' or '\t'))
        {
            return null;
        }

        var buffer = new byte[text.Length / 4 * 3];
        return System.Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

}
