using System.Net;
using System.Text.Json;
using K8sSecrets.Configuration.Vault.Http;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Vault;

/// <summary>
/// Holds the Vault token: logs in (the login call never carries a token), renews it at about two
/// thirds of its TTL, and logs in again when a renewal is refused or capped.
/// </summary>
internal sealed partial class VaultTokenSession
{
    private readonly VaultAuthMethod _auth;
    private readonly IVaultApi _api;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private string? _unwrappedSecretId;
    private bool _wrappingTokenSpent;
    private TimeSpan _ttl;
    private bool _renewable;

    public VaultTokenSession(VaultAuthMethod auth, IVaultApi api, TimeProvider time, ILogger logger)
    {
        _auth = auth;
        _api = api;
        _time = time;
        _logger = logger;
    }

    /// <summary>Gets the current token, or <see langword="null"/> before the first login.</summary>
    public string? Token { get; private set; }

    /// <summary>Gets when the token is due for renewal, as a <see cref="TimeProvider.GetTimestamp"/>; <see cref="Monotonic.Never"/> when never.</summary>
    public long RenewAt { get; private set; } = Monotonic.Never;

    /// <summary>Gets how many tokens the session has held; a change means leases made with the old token die with it.</summary>
    public int Generation { get; private set; }

    public string Description => _auth.Description;

    /// <summary>Gets when the token expires on the wall clock, for reporting only (schedules are monotonic); <see langword="null"/> when it never does.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    public bool CanLogin => _auth.CanLogin;

    /// <summary>Makes sure a token is held and renewed when due. Throws <see cref="SecretSourceException"/> when it cannot.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_auth is TokenAuth tokenAuth)
        {
            var token = tokenAuth.Token ?? ReadTokenFile(tokenAuth.FilePath!);
            if (!string.Equals(token, Token, StringComparison.Ordinal))
            {
                await AdoptGivenTokenAsync(token, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        else if (Token is null)
        {
            await LoginAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_time.GetTimestamp() >= RenewAt)
        {
            await RenewAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Checks whether the current token still works (after a 403 on a read); logs in again when it
    /// does not and a login is possible. Returns <see langword="true"/> when a new token was obtained.
    /// </summary>
    public async Task<bool> RecoverFromForbiddenAsync(CancellationToken cancellationToken)
    {
        if (!_auth.CanLogin || Token is null)
        {
            return false;
        }

        var check = await _api.SendAsync(HttpMethod.Get, "auth/token/lookup-self", Token, cancellationToken).ConfigureAwait(false);
        if (check.Status != HttpStatusCode.Forbidden)
        {
            return false;
        }

        Log.TokenRejected(_logger, _auth.Description);
        await LoginAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task LoginAsync(CancellationToken cancellationToken)
    {
        VaultReply reply;
        string mount;
        switch (_auth)
        {
            case KubernetesAuth k8s:
                mount = k8s.MountPath;
                var jwt = ReadJwt(k8s.JwtPath);
                reply = await _api.SendAsync(HttpMethod.Post, $"auth/{mount}/login", token: null, new KubernetesLoginRequest(k8s.Role, jwt), VaultJsonContext.Default.KubernetesLoginRequest, cancellationToken).ConfigureAwait(false);
                break;
            case AppRoleAuth appRole:
                mount = appRole.MountPath;
                var secretId = appRole.Wrapped ? await UnwrapSecretIdAsync(appRole, cancellationToken).ConfigureAwait(false) : appRole.SecretId;
                reply = await _api.SendAsync(HttpMethod.Post, $"auth/{mount}/login", token: null, new AppRoleLoginRequest(appRole.RoleId, secretId), VaultJsonContext.Default.AppRoleLoginRequest, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new SecretSourceException($"{_auth.Description} cannot log in again; supply a new token.") { IsTransient = false };
        }

        if (!reply.IsSuccess)
        {
            throw LoginRefused(mount, reply);
        }

        if (reply.Envelope?.Auth is not { ClientToken: { Length: > 0 } clientToken } auth)
        {
            throw new SecretSourceException($"invalid response from Vault at auth/{mount}/login: it holds no auth.client_token.") { IsTransient = true };
        }

        Adopt(clientToken, TimeSpan.FromSeconds(auth.LeaseDuration), auth.Renewable);
        Log.LoggedIn(_logger, _auth.Description, (long)_ttl.TotalSeconds, _renewable);
    }

    private async Task AdoptGivenTokenAsync(string token, CancellationToken cancellationToken)
    {
        var reply = await _api.SendAsync(HttpMethod.Get, "auth/token/lookup-self", token, cancellationToken).ConfigureAwait(false);
        if (reply.Status == HttpStatusCode.Forbidden)
        {
            throw new SecretSourceException(
                $"Vault refused {_auth.Description} (403 on auth/token/lookup-self): the token is expired, revoked or wrong.")
            { IsTransient = _auth is TokenAuth { FilePath: not null } };
        }

        if (!reply.IsSuccess)
        {
            throw VaultErrors.Unexpected("auth/token/lookup-self", reply);
        }

        long ttl = 0;
        var renewable = false;
        if (reply.Envelope?.Data is { ValueKind: JsonValueKind.Object } data)
        {
            ttl = data.TryGetProperty("ttl", out var t) && t.TryGetInt64(out var seconds) ? seconds : 0;
            renewable = data.TryGetProperty("renewable", out var r) && r.ValueKind == JsonValueKind.True;
        }

        Adopt(token, TimeSpan.FromSeconds(ttl), renewable);
        Log.TokenAdopted(_logger, _auth.Description, ttl, renewable);
        if (ttl > 0 && !renewable)
        {
            Log.TokenNotRenewable(_logger, _auth.Description, $"it is not renewable and expires in {ttl} s");
        }
    }

    private void Adopt(string token, TimeSpan ttl, bool renewable)
    {
        Token = token;
        Generation++;
        Schedule(ttl, renewable);
    }

    private void Schedule(TimeSpan ttl, bool renewable)
    {
        _ttl = ttl;
        _renewable = renewable;
        ExpiresAt = ttl > TimeSpan.Zero ? _time.GetUtcNow() + ttl : null;

        // A TTL of 0 is a token that never expires (a root token); there is nothing to renew.
        RenewAt = ttl > TimeSpan.Zero && (renewable || _auth.CanLogin)
            ? _time.After(_time.GetTimestamp(), ttl * 2 / 3)
            : Monotonic.Never;
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        if (!_renewable)
        {
            await ReplaceOrGiveUpAsync("it is not renewable", cancellationToken).ConfigureAwait(false);
            return;
        }

        var requested = (long)_ttl.TotalSeconds;
        var reply = await _api.SendAsync(HttpMethod.Post, "auth/token/renew-self", Token, new TokenRenewRequest($"{requested}s"), VaultJsonContext.Default.TokenRenewRequest, cancellationToken).ConfigureAwait(false);
        if (reply.IsSuccess && reply.Envelope?.Auth is { } auth)
        {
            // Vault grants what was asked unless the max TTL is near; a tenth of slack keeps a
            // rounding difference from costing a login.
            var capped = auth.LeaseDuration * 10 < requested * 9
                || reply.Envelope.Warnings?.Any(w => w.Contains("capped", StringComparison.OrdinalIgnoreCase)) == true;
            if (capped || !auth.Renewable)
            {
                Schedule(_ttl, renewable: false);
                ExpiresAt = _time.GetUtcNow() + TimeSpan.FromSeconds(auth.LeaseDuration);
                await ReplaceOrGiveUpAsync($"the renewal was capped at {auth.LeaseDuration} s (max TTL reached)", cancellationToken).ConfigureAwait(false);
                return;
            }

            Schedule(TimeSpan.FromSeconds(auth.LeaseDuration), renewable: true);
            Log.TokenRenewed(_logger, _auth.Description, auth.LeaseDuration);
            return;
        }

        if (reply.IsSuccess)
        {
            throw new SecretSourceException("invalid response from Vault at auth/token/renew-self: it holds no auth block.") { IsTransient = true };
        }

        if (VaultErrors.IsTransient(reply.Status))
        {
            throw VaultErrors.Unexpected("auth/token/renew-self", reply);
        }

        await ReplaceOrGiveUpAsync($"the renewal was refused ({VaultErrors.Describe(reply.Status)})", cancellationToken).ConfigureAwait(false);
    }

    private async Task ReplaceOrGiveUpAsync(string why, CancellationToken cancellationToken)
    {
        if (_auth.CanLogin)
        {
            Log.LoggingInAgain(_logger, _auth.Description, why);
            await LoginAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        RenewAt = Monotonic.Never;
        Log.TokenNotRenewable(_logger, _auth.Description, why);
    }

    private async Task<string> UnwrapSecretIdAsync(AppRoleAuth appRole, CancellationToken cancellationToken)
    {
        if (_unwrappedSecretId is not null)
        {
            return _unwrappedSecretId;
        }

        if (_wrappingTokenSpent)
        {
            throw new SecretSourceException(
                "The response-wrapped AppRole secret_id was already presented to Vault and could not be unwrapped; a wrapping token works once. Supply a new one.")
            { IsTransient = false };
        }

        // The wrapping token goes as X-Vault-Token with no body, never both: that would spend it twice.
        _wrappingTokenSpent = true;
        VaultReply reply;
        try
        {
            reply = await _api.SendAsync(HttpMethod.Post, "sys/wrapping/unwrap", appRole.SecretId, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretSourceException ex) when (ex.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
        {
            // Nothing reached Vault, so the wrapping token is still unused.
            _wrappingTokenSpent = false;
            throw;
        }

        if (reply.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            // Refused before it was handled (rate limit, sealed): the token is still unused.
            _wrappingTokenSpent = false;
            throw VaultErrors.Unexpected("sys/wrapping/unwrap", reply);
        }

        if (!reply.IsSuccess)
        {
            throw new SecretSourceException(
                $"Vault answered {VaultErrors.Describe(reply.Status)} when unwrapping the AppRole secret_id (sys/wrapping/unwrap): the wrapping token is expired or was already used. Supply a new one.")
            { IsTransient = false };
        }

        if (reply.Envelope?.Data is not { ValueKind: JsonValueKind.Object } data
            || !data.TryGetProperty("secret_id", out var secret)
            || secret.ValueKind != JsonValueKind.String
            || secret.GetString() is not { Length: > 0 } secretId)
        {
            throw new SecretSourceException("invalid response from Vault at sys/wrapping/unwrap: it holds no data.secret_id.") { IsTransient = false };
        }

        _unwrappedSecretId = secretId;
        Log.Unwrapped(_logger);
        return secretId;
    }

    private SecretSourceException LoginRefused(string mount, VaultReply reply)
    {
        if (VaultErrors.IsTransient(reply.Status))
        {
            return VaultErrors.Unexpected($"the {_auth.Description} login (auth/{mount}/login)", reply);
        }

        var hint = _auth is KubernetesAuth
            ? "Check that the role exists, that its bound_service_account_names and bound_service_account_namespaces include this pod's service account, and that the service-account token's audience is one the role accepts."
            : "Check the role_id and secret_id; a secret_id can expire or run out of uses.";
        return new SecretSourceException(
            $"Vault refused the {_auth.Description} login at auth/{mount}/login ({VaultErrors.Describe(reply.Status)}). {hint}")
        { IsTransient = false };
    }

    private static string ReadJwt(string path)
        => SecretFile.ReadTrimmed(path, "service-account token file (is the pod's service-account token mounted?)");

    private static string ReadTokenFile(string path) => SecretFile.ReadTrimmed(path, "Vault token file");
}
