namespace K8sSecrets.Configuration.Vault;

/// <summary>How the source gets its Vault token. Descriptions name the method, never a credential.</summary>
internal abstract record VaultAuthMethod
{
    /// <summary>Gets a value indicating whether a new token can be obtained by logging in again.</summary>
    public abstract bool CanLogin { get; }

    /// <summary>Gets a description for messages, for example <c>Kubernetes auth (role 'payments', mount 'kubernetes')</c>.</summary>
    public abstract string Description { get; }
}

/// <summary>Kubernetes auth: the pod's service-account JWT, read again at every login.</summary>
internal sealed record KubernetesAuth(string Role, string MountPath, string JwtPath) : VaultAuthMethod
{
    public override bool CanLogin => true;

    public override string Description => $"Kubernetes auth (role '{Role}', mount '{MountPath}')";
}

/// <summary>AppRole auth, optionally with a response-wrapped secret_id.</summary>
internal sealed record AppRoleAuth(string RoleId, string SecretId, bool Wrapped, string MountPath) : VaultAuthMethod
{
    public override bool CanLogin => true;

    public override string Description => $"AppRole auth (mount '{MountPath}')";

    /// <summary>Keeps the credentials out of any generated text.</summary>
    public override string ToString() => Description;
}

/// <summary>A token given directly, from <c>VAULT_TOKEN</c>, or from a file.</summary>
internal sealed record TokenAuth(string? Token, string? FilePath) : VaultAuthMethod
{
    public override bool CanLogin => false;

    public override string Description => FilePath is null ? (FromVariable ? "the token in VAULT_TOKEN" : "a token") : $"the token in '{FilePath}'";

    /// <summary>Keeps the token out of any generated text.</summary>
    public override string ToString() => Description;

    /// <summary>The default when no method is chosen: <c>VAULT_TOKEN</c>, else the CLI's <c>~/.vault-token</c>.</summary>
    public static TokenAuth? FromEnvironment()
    {
        var token = Environment.GetEnvironmentVariable("VAULT_TOKEN");
        if (!string.IsNullOrWhiteSpace(token))
        {
            return new TokenAuth(token.Trim(), null) { FromVariable = true };
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var file = string.IsNullOrEmpty(home) ? null : System.IO.Path.Combine(home, ".vault-token");
        return file is not null && File.Exists(file) ? new TokenAuth(null, file) : null;
    }

    /// <summary>Gets a value indicating whether the token came from <c>VAULT_TOKEN</c>.</summary>
    public bool FromVariable { get; init; }
}
