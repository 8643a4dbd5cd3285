namespace K8sSecrets.Configuration.Vault.Tests;

/// <summary>
/// Every path the Vault source puts into a request URL (secret paths of KV v1/v2 and dynamic
/// engines, KV mounts, auth mounts) is checked by the rule the ExternalSecrets package applies to
/// manifest keys: what would leave the path or not reach Vault is refused at FromVault, before any request.
/// </summary>
public sealed class PathInUrlTests
{
    private const string Fix = "join its segments with single '/'";

    [Theory]
    [InlineData("secret/../sys", "a '..' segment")]
    [InlineData("secret/./app", "a '.' segment")]
    [InlineData("database/creds/../../sys/leases/lookup", "a '..' segment")]
    [InlineData("secret/app?version=1", "holds '?'")]
    [InlineData("secret/app#x", "holds '#'")]
    [InlineData("secret/app%2F..", "holds '%'")]
    [InlineData("secret\\..\\sys", "holds '\\'")]
    [InlineData("secret//app", "an empty segment")]
    [InlineData("/", "an empty segment")]
    [InlineData("http:evil/x", "holds ':' in its first segment")]
    public async Task A_secret_path_that_would_leave_itself_in_the_URL_is_refused_at_FromVault_before_any_request(string path, string part)
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color": "blue"}""");

        var error = Assert.Throws<ArgumentException>(() => h.Build(v => v.Secret(path)));

        Assert.Contains($"The Vault secret path '{path}' ", error.Message, StringComparison.Ordinal);
        Assert.Contains(part, error.Message, StringComparison.Ordinal);
        Assert.Contains(Fix, error.Message, StringComparison.Ordinal);
        Assert.Equal("path", error.ParamName);
        Assert.Empty(h.Vault.Requests);
    }

    [Theory]
    [InlineData("kubernetes", "The Kubernetes auth mount path")]
    [InlineData("approle", "The AppRole auth mount path")]
    [InlineData("kv", "The KV mount path")]
    public async Task A_mount_path_that_would_leave_itself_in_the_URL_is_refused_at_FromVault_before_any_request(string option, string named)
    {
        await using var h = await VaultHarness.StartAsync();
        const string mount = "kubernetes/../../sys/raw";

        var error = Assert.Throws<ArgumentException>(() => h.Build(v =>
        {
            _ = option switch
            {
                "kubernetes" => v.UseKubernetesAuth("payments", mount, h.JwtPath),
                "approle" => v.UseAppRole(h.Vault.AppRoleId, h.Vault.AppRoleSecretId, wrapped: false, mount),
                _ => v.KvVersion(mount, 2),
            };
            v.Secret("secret/app");
        }));

        Assert.Contains($"{named} '{mount}' holds a '..' segment", error.Message, StringComparison.Ordinal);
        Assert.Contains(Fix, error.Message, StringComparison.Ordinal);
        Assert.Equal("mountPath", error.ParamName);
        Assert.Empty(h.Vault.Requests);
    }

    [Fact]
    public async Task Surrounding_slashes_are_still_trimmed_and_the_path_is_read()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color": "blue"}""");

        var config = h.Build(v => v.UseKubernetesAuth("payments", "/kubernetes/", h.JwtPath).KvVersion("/secret/", 2).Secret("/secret/app/"));

        Assert.Equal("blue", config["color"]);
        Assert.Equal(1, h.Vault.Count("secret/data/app"));
    }
}
