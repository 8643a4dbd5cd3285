using K8sSecrets.Configuration.ExternalSecrets.Rules;

namespace K8sSecrets.Configuration.ExternalSecrets;

/// <summary>The Secret data of one read, and the keys that keep their last values, each with a reason that holds no value.</summary>
internal sealed record SecretData(List<KeyValuePair<string, SecretValue>> Values, List<KeyValuePair<string, string>> Failures);
