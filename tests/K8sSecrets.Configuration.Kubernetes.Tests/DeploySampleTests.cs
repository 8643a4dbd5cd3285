using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>
/// samples/deploy, loaded with the client's YAML loader: the manifests agree with each other and
/// with what the app in samples/deploy/README.md reads (its mount path, Secret names, Vault role).
/// </summary>
public sealed partial class DeploySampleTests
{
    // What the app's Program.cs (samples/deploy/README.md) reads.
    private const string Namespace = "payments";
    private const string MountPath = "/var/run/secrets/db";
    private const string MountedSecret = "db-credentials";
    private static readonly string[] s_apiSecrets = ["db-credentials", "payments-api-keys"];
    private static readonly string[] s_mountedKeys = ["password", "username"];

    private static string Sample(string file) => Path.Combine(AppContext.BaseDirectory, "deploy", file);

    private static T Load<T>(string file) => Assert.IsType<T>(Assert.Single(KubernetesYaml.LoadAllFromString(File.ReadAllText(Sample(file)), strict: true)));

    [Fact]
    public void Every_manifest_loads_and_lives_in_the_apps_namespace()
    {
        var objects = new[] { "serviceaccount.yaml", "secret.yaml", "deployment.yaml", "role.yaml", "rolebinding.yaml" }
            .SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(Sample(file)), strict: true))
            .Cast<IMetadata<V1ObjectMeta>>()
            .ToList();

        Assert.Equal(5, objects.Count);
        Assert.All(objects, o => Assert.Equal(Namespace, o.Metadata.NamespaceProperty));
    }

    [Fact]
    public void The_deployment_mounts_the_secret_keys_the_app_reads_where_it_reads_them()
    {
        var deployment = Load<V1Deployment>("deployment.yaml");
        var secret = Load<V1Secret>("secret.yaml");
        var account = Load<V1ServiceAccount>("serviceaccount.yaml");
        var pod = deployment.Spec.Template.Spec;

        Assert.Equal(account.Metadata.Name, pod.ServiceAccountName);
        Assert.NotEqual(false, pod.AutomountServiceAccountToken); // FromApi and Vault's Kubernetes auth use the token
        Assert.NotEqual(false, account.AutomountServiceAccountToken);

        var mount = Assert.Single(Assert.Single(pod.Containers).VolumeMounts);
        Assert.Equal(MountPath, mount.MountPath);
        Assert.True(mount.ReadOnlyProperty);
        Assert.Null(mount.SubPath); // a subPath mount never sees a rotation
        var volume = Assert.Single(pod.Volumes, v => v.Name == mount.Name);
        Assert.Equal(MountedSecret, volume.Secret.SecretName);
        Assert.Equal(secret.Metadata.Name, volume.Secret.SecretName);
        Assert.NotNull(volume.Secret.Items);
        Assert.Equal(s_mountedKeys, volume.Secret.Items.Select(i => i.Path).Order(StringComparer.Ordinal));
        Assert.All(volume.Secret.Items, item => Assert.Contains(item.Key, secret.StringData.Keys));
        Assert.True(secret.StringData.Count > volume.Secret.Items.Count); // items leave a key out
        Assert.Equal(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels);
    }

    [Fact]
    public void The_role_grants_exactly_the_apps_FromApi_secrets_to_the_pods_service_account()
    {
        var role = Load<V1Role>("role.yaml");
        var binding = Load<V1RoleBinding>("rolebinding.yaml");
        var account = Load<V1ServiceAccount>("serviceaccount.yaml");

        var rule = Assert.Single(role.Rules);
        Assert.Equal(s_apiSecrets, rule.ResourceNames.Order(StringComparer.Ordinal));
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", account.Metadata.Name, account.Metadata.NamespaceProperty), (subject.Kind, subject.Name, subject.NamespaceProperty));
    }

    [Fact]
    public void The_vault_role_is_bound_to_the_pods_service_account_and_its_policy_reads_the_apps_path()
    {
        var account = Load<V1ServiceAccount>("serviceaccount.yaml");
        var script = File.ReadAllText(Sample("vault/setup.sh"));
        var policy = File.ReadAllText(Sample("vault/policy.hcl"));

        var role = RoleCommand().Match(script);
        Assert.True(role.Success, "setup.sh writes auth/kubernetes/role/<name>");
        Assert.Equal("payments", role.Groups["role"].Value); // UseKubernetesAuth(role: "payments")
        Assert.Contains($"bound_service_account_names={account.Metadata.Name}", script, StringComparison.Ordinal);
        Assert.Contains($"bound_service_account_namespaces={account.Metadata.NamespaceProperty}", script, StringComparison.Ordinal);
        Assert.Matches(@"vault policy write (?<p>\S+) policy\.hcl", script);
        Assert.Contains($"token_policies={PolicyName().Match(script).Groups["p"].Value}", script, StringComparison.Ordinal);

        // Secret("secret/payments/db") on KV v2 reads secret/data/payments/db: read only.
        Assert.Matches("""path "secret/data/payments/db" \{\s*capabilities = \["read"\]\s*\}""", policy);
        Assert.DoesNotContain("*", policy, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"vault write auth/kubernetes/role/(?<role>[a-z0-9-]+)")]
    private static partial Regex RoleCommand();

    [GeneratedRegex(@"vault policy write (?<p>\S+) policy\.hcl")]
    private static partial Regex PolicyName();
}
