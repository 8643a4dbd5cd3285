using System.Text;
using System.Text.Unicode;

namespace K8sSecrets.Configuration;

/// <summary>Turns secret bytes into configuration text, the same way for every source.</summary>
internal static class SecretValueDecoder
{
    public static string Decode(ReadOnlySpan<byte> value, bool trimTrailingNewline, out bool isBase64)
    {
        if (!Utf8.IsValid(value))
        {
            isBase64 = true;
            return Convert.ToBase64String(value);
        }

        isBase64 = false;
        if (value.StartsWith("\uFEFF"u8))
        {
            value = value[3..];
        }

        if (trimTrailingNewline && value.EndsWith("\n"u8))
        {
            value = value[..^(value.EndsWith("\r\n"u8) ? 2 : 1)];
        }

        return Encoding.UTF8.GetString(value);
    }
}
