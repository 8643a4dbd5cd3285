using K8sSecrets.Configuration.ExternalSecrets.Rules;

namespace K8sSecrets.Configuration.ExternalSecrets;

internal enum PlanItemKind
{
    /// <summary><c>data[]</c>: one key, <see cref="PlanItem.SecretKey"/>.</summary>
    Data,

    /// <summary><c>dataFrom[].extract</c> (or a legacy <c>dataFrom</c> entry): one key per top-level field.</summary>
    Extract,
}

/// <summary>One <c>data[]</c> or <c>dataFrom[]</c> entry.</summary>
internal sealed record PlanItem(
    PlanItemKind Kind,
    string? SecretKey,
    string RefId,
    string? Property,
    ValueDecoding Decoding,
    bool FailOnNullByte,
    string FieldPath);
