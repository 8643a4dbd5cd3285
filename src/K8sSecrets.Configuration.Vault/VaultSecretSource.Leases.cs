using K8sSecrets.Configuration.Vault.Http;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Vault;

/// <summary>Renewing the leases of dynamic secrets, and revoking them on dispose when asked.</summary>
internal sealed partial class VaultSecretSource
{
    private async Task RenewLeaseAsync(VaultPathState path, CancellationToken cancellationToken)
    {
        var reply = await _api.SendAsync(
            HttpMethod.Post,
            "sys/leases/renew",
            _session.Token,
            new LeaseRenewRequest(path.LeaseId!, path.LeaseSeconds),
            VaultJsonContext.Default.LeaseRenewRequest,
            cancellationToken).ConfigureAwait(false);
        var now = _time.GetTimestamp();
        if (reply.IsSuccess)
        {
            var granted = reply.Envelope?.LeaseDuration ?? 0;
            // Granted (nearly) in full: keep the lease. Otherwise the max TTL is near: replace it.
            if (granted * 10 >= path.LeaseSeconds * 9 && reply.Envelope!.Renewable)
            {
                path.RenewAt = _time.After(now, TimeSpan.FromSeconds(granted) * 2 / 3);
                path.LeaseEndsAt = _time.GetUtcNow() + TimeSpan.FromSeconds(granted);
                _dirty = true;
                Log.LeaseRenewed(_logger, path.Declared.Path, granted);
                return;
            }

            Log.LeaseExhausted(_logger, path.Declared.Path, granted);
        }
        else if (VaultErrors.IsVaultWide(reply.Status))
        {
            throw VaultErrors.Unexpected($"the lease renewal of {path.Declared.Path} (sys/leases/renew)", reply);
        }
        else
        {
            Log.LeaseLost(_logger, path.Declared.Path, (int)reply.Status);
        }

        // The lease cannot be extended: read the path again so new credentials are published
        // while the old ones still work.
        await ReadAsync(path, strict: false, freshToken: false, cancellationToken).ConfigureAwait(false);
    }

    private void RevokeLeases()
    {
        if (_session.Token is not { } token)
        {
            return;
        }

        using var budget = new CancellationTokenSource(RevokeBudget);
        foreach (var path in _paths)
        {
            if (path.LeaseId is not { } leaseId)
            {
                continue;
            }

            try
            {
                var reply = _api.SendAsync(HttpMethod.Post, "sys/leases/revoke", token, new LeaseRevokeRequest(leaseId), VaultJsonContext.Default.LeaseRevokeRequest, budget.Token)
                    .GetAwaiter().GetResult();
                if (reply.IsSuccess)
                {
                    Log.LeaseRevoked(_logger, path.Declared.Path);
                    path.ClearLease();
                }
                else
                {
                    Log.RevokeFailed(_logger, path.Declared.Path, VaultErrors.Describe(reply.Status));
                }
            }
            catch (Exception ex) when (ex is SecretSourceException or OperationCanceledException)
            {
                Log.RevokeFailed(_logger, path.Declared.Path, ex is SecretSourceException ? ex.Message : "timed out");
            }
        }
    }
}
