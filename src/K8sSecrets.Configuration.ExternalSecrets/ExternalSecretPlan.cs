using K8sSecrets.Configuration.ExternalSecrets.Rules;

namespace K8sSecrets.Configuration.ExternalSecrets;

/// <summary>What one ExternalSecret asks for, store-neutral: the items in the controller's order and the target's rules.</summary>
internal sealed class ExternalSecretPlan
{
    public required string Description { get; init; }

    /// <summary>Gets a value indicating whether the legacy kubernetes-external-secrets rules apply.</summary>
    public required bool Legacy { get; init; }

    /// <summary>Gets the <c>dataFrom</c> items, merged first, in order.</summary>
    public required IReadOnlyList<PlanItem> DataFrom { get; init; }

    /// <summary>Gets the <c>data</c> items, merged last, in order.</summary>
    public required IReadOnlyList<PlanItem> Data { get; init; }

    public required IReadOnlyList<ExternalSecretRemoteRef> Refs { get; init; }

    /// <summary>Gets the <c>target.template.data</c> entries, or <see langword="null"/> when there are none.</summary>
    public IReadOnlyList<KeyValuePair<string, TemplateText>>? Template { get; init; }

    /// <summary>Gets a value indicating whether the raw keys are kept beside the template's (<c>mergePolicy: Merge</c>).</summary>
    public bool TemplateMerge { get; init; }

    /// <summary>Gets a value indicating whether a stored secret that no longer exists drops its keys (<c>deletionPolicy: Delete</c>) instead of keeping them.</summary>
    public bool DeleteMissing { get; init; }

    /// <summary>Gets how often to read again, or <see langword="null"/> to read once.</summary>
    public TimeSpan? RefreshInterval { get; init; }

    public ExternalSecretValueRules Rules { get; set; }
}
