using k8s;
using k8s.Models;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>The least-privilege manifests in samples/deploy, loaded with the client's YAML loader.</summary>
public sealed class RbacSampleTests
{
    private static string Sample(string file) => Path.Combine(AppContext.BaseDirectory, "deploy", file);

    [Fact]
    public async Task Role_grants_get_list_watch_on_named_secrets_only()
    {
        var role = await KubernetesYaml.LoadFromFileAsync<V1Role>(Sample("role.yaml"), strict: true);

        Assert.Equal("Role", role.Kind);
        var rule = Assert.Single(role.Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["secrets"], rule.Resources);
        Assert.Equal(["get", "list", "watch"], rule.Verbs.Order(StringComparer.Ordinal));
        Assert.NotNull(rule.ResourceNames);
        Assert.NotEmpty(rule.ResourceNames);
        Assert.DoesNotContain("*", rule.Verbs);
        Assert.DoesNotContain("*", rule.ResourceNames);
    }

    [Fact]
    public async Task RoleBinding_binds_that_role_to_a_service_account_in_the_same_namespace()
    {
        var role = await KubernetesYaml.LoadFromFileAsync<V1Role>(Sample("role.yaml"), strict: true);
        var binding = await KubernetesYaml.LoadFromFileAsync<V1RoleBinding>(Sample("rolebinding.yaml"), strict: true);

        Assert.Equal("Role", binding.RoleRef.Kind);
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        Assert.Equal(role.Metadata.NamespaceProperty, binding.Metadata.NamespaceProperty);
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal("ServiceAccount", subject.Kind);
        Assert.Equal(role.Metadata.NamespaceProperty, subject.NamespaceProperty);
    }
}
