using K8sSecrets.Configuration.ExternalSecrets.Rules;

namespace K8sSecrets.Configuration.ExternalSecrets;

/// <summary>
/// Turns the stored values of one read into the data of the Secret the controller would write, in
/// its order: <c>dataFrom</c> items first (later ones overwrite), then <c>data</c> items, then the
/// template. An item that cannot be produced fails its own keys, which keep their last values.
/// </summary>
internal sealed class SecretDataBuilder(ExternalSecretPlan plan)
{
    private readonly Dictionary<PlanItem, List<string>> _lastKeys = [];

    public SecretData Build(IReadOnlyDictionary<string, string?> stored, IReadOnlyDictionary<string, string> storeFailures)
    {
        var data = new Dictionary<string, SecretValue>(StringComparer.Ordinal);
        var failures = new List<KeyValuePair<string, string>>();
        foreach (var item in plan.DataFrom)
        {
            Apply(item, stored, storeFailures, data, failures);
        }

        foreach (var item in plan.Data)
        {
            Apply(item, stored, storeFailures, data, failures);
        }

        return plan.Template is { } template ? ApplyTemplate(template, data, failures) : new SecretData([.. data], failures);
    }

    private void Apply(
        PlanItem item,
        IReadOnlyDictionary<string, string?> stored,
        IReadOnlyDictionary<string, string> storeFailures,
        Dictionary<string, SecretValue> data,
        List<KeyValuePair<string, string>> failures)
    {
        var key = plan.Refs.First(r => r.Id == item.RefId).Key;
        if (storeFailures.TryGetValue(item.RefId, out var storeFailure))
        {
            Fail(item, storeFailure, failures);
            return;
        }

        if (!stored.TryGetValue(item.RefId, out var value) || value is null)
        {
            if (plan.DeleteMissing)
            {
                _lastKeys[item] = [];
            }
            else
            {
                Fail(item, $"{item.FieldPath}: the store has no secret '{key}'; the last values stay (deletionPolicy Retain)", failures);
            }

            return;
        }

        try
        {
            var produced = item.Kind == PlanItemKind.Data ? Single(item, value) : Extract(item, value);
            foreach (var (name, secret) in produced)
            {
                if (item.FailOnNullByte && secret.HasNullByte)
                {
                    throw new RuleException($"'{name}' holds a null byte (nullBytePolicy Fail)");
                }
            }

            foreach (var (name, secret) in produced)
            {
                data[name] = secret;
            }

            _lastKeys[item] = [.. produced.Select(static p => p.Key)];
        }
        catch (RuleException ex)
        {
            Fail(item, $"{item.FieldPath} (secret '{key}'): {ex.Message}", failures);
        }
    }

    private List<KeyValuePair<string, SecretValue>> Single(PlanItem item, string stored)
    {
        var text = plan.Legacy ? StoredValues.GetLegacy(stored, item.Property) : StoredValues.GetSecret(plan.Rules, stored, item.Property);
        return [new(item.SecretKey!, ValueDecoder.Decode(text, item.Decoding, $"the value of '{item.SecretKey}'"))];
    }

    private List<KeyValuePair<string, SecretValue>> Extract(PlanItem item, string stored)
    {
        var map = plan.Legacy ? StoredValues.GetLegacyMap(stored) : StoredValues.GetSecretMap(plan.Rules, stored, item.Property);
        var produced = new List<KeyValuePair<string, SecretValue>>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (original, text) in map)
        {
            var name = plan.Legacy ? original : SecretKeys.Convert(original);
            if (!plan.Legacy && seen.TryGetValue(name, out var other) && other != original)
            {
                throw new RuleException($"the fields '{other}' and '{original}' both become the key '{name}' (secret name collision during conversion)");
            }

            seen[name] = original;
            if (name.Length == 0)
            {
                continue;
            }

            if (!SecretKeys.IsValid(name))
            {
                throw new RuleException($"the field '{original}' does not make a valid Secret key");
            }

            produced.Add(new(name, ValueDecoder.Decode(text, item.Decoding, $"the value of '{name}'")));
        }

        return produced;
    }

    private void Fail(PlanItem item, string reason, List<KeyValuePair<string, string>> failures)
    {
        var keys = item.Kind == PlanItemKind.Data ? [item.SecretKey!] : _lastKeys.GetValueOrDefault(item) ?? [];
        if (keys.Count == 0)
        {
            // Nothing was published for it yet: record the failure under the item, so it is reported.
            failures.Add(new(item.FieldPath, reason));
            return;
        }

        foreach (var name in keys)
        {
            failures.Add(new(name, reason));
        }
    }

    private SecretData ApplyTemplate(
        IReadOnlyList<KeyValuePair<string, TemplateText>> template,
        Dictionary<string, SecretValue> data,
        List<KeyValuePair<string, string>> failures)
    {
        var failed = failures.Select(static f => f.Key).ToHashSet(StringComparer.Ordinal);
        var result = plan.TemplateMerge ? new Dictionary<string, SecretValue>(data, StringComparer.Ordinal) : new Dictionary<string, SecretValue>(StringComparer.Ordinal);
        var templateFailures = plan.TemplateMerge ? new List<KeyValuePair<string, string>>(failures) : [];
        foreach (var (name, text) in template)
        {
            if (text.Keys.FirstOrDefault(failed.Contains) is { } broken)
            {
                templateFailures.Add(new(name, $"spec.target.template.data.{name}: it reads '{broken}', which failed"));
                continue;
            }

            try
            {
                result[name] = SecretValue.FromText(text.Render(key => data.TryGetValue(key, out var v) ? v.AsText() : null));
            }
            catch (RuleException ex)
            {
                templateFailures.Add(new(name, $"spec.target.template.data.{name}: {ex.Message}"));
            }
        }

        return new SecretData([.. result], templateFailures);
    }
}
