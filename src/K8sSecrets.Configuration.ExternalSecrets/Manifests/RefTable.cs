namespace K8sSecrets.Configuration.ExternalSecrets.Manifests;

/// <summary>Gives each distinct stored secret (key and version) one id, so that it is read once however many items use it.</summary>
internal sealed class RefTable
{
    private readonly Dictionary<(string Key, string? Version), string> _ids = [];
    private readonly List<ExternalSecretRemoteRef> _refs = [];

    public IReadOnlyList<ExternalSecretRemoteRef> Refs => _refs;

    public string Add(string key, string? version, string fieldPath)
    {
        if (!_ids.TryGetValue((key, version), out var id))
        {
            id = "ref" + _refs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _ids[(key, version)] = id;
            _refs.Add(new ExternalSecretRemoteRef(id, key, version, fieldPath));
        }

        return id;
    }
}
