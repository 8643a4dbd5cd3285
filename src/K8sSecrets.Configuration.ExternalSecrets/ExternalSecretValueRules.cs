namespace K8sSecrets.Configuration.ExternalSecrets;

/// <summary>
/// How the External Secrets controller turns a stored value into Secret values for one provider:
/// which JSON encoding it gives and in which order a <c>property</c> is looked up.
/// </summary>
public enum ExternalSecretValueRules
{
    /// <summary>
    /// HashiCorp Vault: the secret's fields are re-encoded as Go does (sorted keys, compact,
    /// <c>&lt;&gt;&amp;</c> escaped); a property is a top-level field first, then a path.
    /// </summary>
    Vault,

    /// <summary>
    /// The stored text is used as it is (AWS Secrets Manager, Google Secret Manager); a dotted
    /// property is tried as one literal field first, then as a path; <c>extract</c> keeps non-string
    /// values as their raw JSON text.
    /// </summary>
    LiteralThenPath,

    /// <summary>As <see cref="LiteralThenPath"/>, but a property is tried as a path first (Azure Key Vault).</summary>
    PathThenLiteral,
}
