using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration;

/// <summary>
/// The secrets providers of one <c>ConfigurationBuilder.Build()</c>. When one of them fails the
/// build, nobody will ever own or dispose the others that already loaded (the root is never made),
/// so the failing one disposes them: no watcher, loop or thread outlives a failed build.
/// </summary>
internal sealed class BuildGroup
{
    private static readonly ConditionalWeakTable<IConfigurationBuilder, BuildGroup> s_open = new();
    private static readonly Lock s_lock = new();
    private readonly List<SecretsConfigurationProvider> _members = [];
    private bool _loading;

    /// <summary>
    /// Adds a provider being built to its build's group. A <c>ConfigurationManager</c> (an
    /// <see cref="IConfigurationRoot"/> that builds each source as it is added) owns its providers
    /// even when one fails, so it gets no group.
    /// </summary>
    public static BuildGroup? Join(IConfigurationBuilder builder, SecretsConfigurationProvider provider)
    {
        if (builder is IConfigurationRoot)
        {
            return null;
        }

        lock (s_lock)
        {
            if (!s_open.TryGetValue(builder, out var group) || group._loading)
            {
                // Build() builds every source before it loads any: a build after a load is a new Build().
                group = new BuildGroup();
                s_open.AddOrUpdate(builder, group);
            }

            group._members.Add(provider);
            return group;
        }
    }

    public void Loading()
    {
        lock (s_lock)
        {
            _loading = true;
        }
    }

    /// <summary>Disposes every other provider of the failed build.</summary>
    public void Failed(SecretsConfigurationProvider failed)
    {
        SecretsConfigurationProvider[] others;
        lock (s_lock)
        {
            others = [.. _members.Where(p => !ReferenceEquals(p, failed))];
            _members.Clear();
        }

        foreach (var provider in others)
        {
            provider.Dispose();
        }
    }
}
