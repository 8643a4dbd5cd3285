using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Vault;

/// <summary>Finding each path's mount and KV version, and the API path to read.</summary>
internal sealed partial class VaultSecretSource
{
    private async Task ResolveMountAsync(VaultPathState path, CancellationToken cancellationToken)
    {
        var declared = path.Declared.Path + "/";
        foreach (var (mount, version) in _mounts.OrderByDescending(static m => m.Key.Length))
        {
            if (declared.StartsWith(mount, StringComparison.Ordinal))
            {
                SetReadPath(path, mount, version);
                return;
            }
        }

        var reply = await _api.SendAsync(HttpMethod.Get, "sys/internal/ui/mounts/" + path.Declared.Path, _session.Token, cancellationToken).ConfigureAwait(false);
        if (reply.IsSuccess)
        {
            if (reply.Envelope?.Data is not { ValueKind: JsonValueKind.Object } data
                || !data.TryGetProperty("path", out var mountElement)
                || mountElement.ValueKind != JsonValueKind.String
                || mountElement.GetString() is not { Length: > 0 } mountPath)
            {
                throw new SecretSourceException($"invalid response from Vault at sys/internal/ui/mounts/{path.Declared.Path}: it names no mount.") { IsTransient = true };
            }

            var type = data.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var version = 0;
            if (type is "kv" or "generic")
            {
                version = data.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Object
                    && o.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == "2" ? 2 : 1;
            }

            mountPath = mountPath.EndsWith('/') ? mountPath : mountPath + "/";
            _mounts[mountPath] = version;
            Log.MountDetected(_logger, mountPath, type ?? "unknown", version);
            SetReadPath(path, mountPath, version);
            return;
        }

        if (VaultErrors.IsTransient(reply.Status))
        {
            throw VaultErrors.Unexpected($"the mount lookup of {path.Declared.Path} (sys/internal/ui/mounts)", reply);
        }

        // Not allowed to look: read the path as it is, which is right for KV v1 and dynamic engines.
        Log.MountUnknown(_logger, path.Declared.Path, (int)reply.Status);
        path.KvVersion = 0;
        path.ReadPath = path.PolicyPath = path.Declared.Path;
    }

    private static void SetReadPath(VaultPathState path, string mount, int version)
    {
        path.KvVersion = version;
        if (version == 2)
        {
            var rest = (path.Declared.Path + "/")[mount.Length..].TrimEnd('/');
            path.PolicyPath = mount + "data/" + rest;
            path.ReadPath = path.Declared.Version is { } pinned
                ? path.PolicyPath + "?version=" + pinned.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : path.PolicyPath;
        }
        else
        {
            path.ReadPath = path.PolicyPath = path.Declared.Path;
        }
    }
}
