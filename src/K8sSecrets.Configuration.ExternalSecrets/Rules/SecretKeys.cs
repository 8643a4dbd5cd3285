using System.Text;

namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>Secret key checks and <c>conversionStrategy: Default</c>, as the controller applies them.</summary>
internal static class SecretKeys
{
    public const int MaxLength = 253;

    /// <summary>A Kubernetes Secret key: <c>^[-._a-zA-Z0-9]+$</c>, at most 253 characters.</summary>
    public static bool IsValid(string key)
    {
        if (key.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>Default</c> conversion: every character that is not a letter, a number, '-', '.' or '_'
    /// becomes '_'. Letters and numbers are Go's <c>unicode.IsLetter</c> and <c>unicode.IsNumber</c>
    /// (Unicode L, and Nd, Nl, No: '½' and 'Ⅻ' are kept).
    /// </summary>
    public static string Convert(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var rune in key.EnumerateRunes())
        {
            builder.Append(Rune.IsLetter(rune) || Rune.IsNumber(rune) || rune.Value is '-' or '.' or '_' ? rune.ToString() : "_");
        }

        return builder.ToString();
    }
}
