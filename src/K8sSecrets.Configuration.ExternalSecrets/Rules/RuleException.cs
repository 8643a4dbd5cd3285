namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>A stored value the controller's rules refuse; the reason names the key or property, never a value.</summary>
internal sealed class RuleException(string reason) : Exception(reason);
