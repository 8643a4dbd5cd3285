namespace K8sSecrets.Configuration.Aws;

/// <summary>
/// The one identity rule of the package: when is a secret the store names (by ARN and name, in a
/// listing or a value) the one an id declares. Every match is exact, never a prefix:
/// <list type="bullet">
/// <item>a name matches only the secret with exactly that name;</item>
/// <item>a full ARN (<c>arn:aws:secretsmanager:region:account:secret:name-AbC123</c>: the name, a
/// hyphen and the six random letters or digits Secrets Manager adds) matches only itself;</item>
/// <item>a partial ARN (the same without the hyphen and the six characters) matches only itself plus a
/// hyphen and six letters or digits, on a secret whose name is exactly the declared one.</item>
/// </list>
/// An ARN is full when it ends with a hyphen and six letters or digits, as Secrets Manager itself
/// decides ("those characters cause Secrets Manager to assume that you're specifying a complete
/// ARN", in the <c>SecretId</c> documentation of its API reference). So a secret whose name ends
/// that way cannot be declared by partial ARN; declare it by name or full ARN.
/// </summary>
internal static class AwsSecretIds
{
    /// <summary>The length of the random suffix Secrets Manager adds to a name in the ARN.</summary>
    public const int SuffixLength = 6;

    /// <summary>Whether <paramref name="id"/> is an ARN rather than a name.</summary>
    public static bool IsArn(string id) => id.StartsWith("arn:", StringComparison.Ordinal);

    /// <summary>
    /// The part after <c>secret:</c> of a Secrets Manager ARN (<c>arn:partition:secretsmanager:region:account:secret:rest</c>),
    /// or <see langword="null"/> when <paramref name="arn"/> is not one.
    /// </summary>
    public static string? NameOf(string arn)
        => arn.Split(':', 7) is ["arn", { Length: > 0 }, "secretsmanager", { Length: > 0 }, { Length: > 0 }, "secret", { Length: > 0 } rest] && !rest.Contains(':', StringComparison.Ordinal)
            ? rest
            : null; // A name has no ':'; ECS's "<arn>:json-key:stage:version" is not an id.

    /// <summary>Whether the secret the store names by <paramref name="arn"/> and <paramref name="name"/> is the one <paramref name="declared"/> names.</summary>
    /// <param name="declared">The id as declared: a name, a full ARN or a partial ARN.</param>
    /// <param name="arn">The ARN the store gave, or <see langword="null"/>.</param>
    /// <param name="name">The name the store gave, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> only for the exact secret.</returns>
    public static bool Matches(string declared, string? arn, string? name)
    {
        if (!IsArn(declared))
        {
            return string.Equals(name, declared, StringComparison.Ordinal);
        }

        if (arn is null)
        {
            return false;
        }

        if (string.Equals(arn, declared, StringComparison.Ordinal))
        {
            return true;
        }

        // A partial ARN (its name has no suffix of its own): itself, a hyphen, six letters or digits;
        // the name, when given, exactly the declared one.
        return NameOf(declared) is { } declaredName
            && !HasSuffix(declaredName)
            && arn.Length == declared.Length + 1 + SuffixLength
            && arn.StartsWith(declared, StringComparison.Ordinal)
            && arn[declared.Length] == '-'
            && IsSuffix(arn.AsSpan(declared.Length + 1))
            && (name is null || string.Equals(name, declaredName, StringComparison.Ordinal));
    }

    /// <summary>Whether an id the store echoed (an error's <c>SecretId</c>: a name or an ARN) is the one <paramref name="declared"/> names.</summary>
    public static bool MatchesEcho(string declared, string? echoed)
        => echoed is not null && (IsArn(echoed) ? Matches(declared, echoed, name: null) : Matches(declared, arn: null, echoed));

    /// <summary>Whether a name part ends with a hyphen and six letters or digits: the ARN is then a full one.</summary>
    private static bool HasSuffix(string name)
        => name.Length > SuffixLength + 1 && name[^(SuffixLength + 1)] == '-' && IsSuffix(name.AsSpan(name.Length - SuffixLength));

    private static bool IsSuffix(ReadOnlySpan<char> suffix)
    {
        if (suffix.Length != SuffixLength)
        {
            return false;
        }

        foreach (var c in suffix)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
