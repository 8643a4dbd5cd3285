using System.Diagnostics.CodeAnalysis;
using K8sSecrets.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps options at their last valid value when a reload (such as a secret rotation) makes them invalid.</summary>
public static class KeepLastValidOptionsBuilderExtensions
{
    /// <summary>
    /// When a configuration reload yields options that fail validation, keeps the last valid
    /// options: <see cref="IOptionsMonitor{TOptions}.CurrentValue"/>, <see cref="IOptionsMonitor{TOptions}.Get"/>
    /// and <see cref="IOptionsSnapshot{TOptions}"/> keep returning them, <see cref="IOptionsMonitor{TOptions}.OnChange"/>
    /// is not called, and the failure is logged (the options type and the failed members, never a
    /// value) and counted (<c>k8ssecrets.options.rejected</c>). The next valid reload is published
    /// as usual. Options that are invalid when first created still throw, so
    /// <c>ValidateOnStart</c> still stops a misconfigured app.
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="optionsBuilder">The options builder, after its validation calls or before them.</param>
    /// <returns>The options builder.</returns>
    public static OptionsBuilder<TOptions> KeepLastValidOnReload<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(
        this OptionsBuilder<TOptions> optionsBuilder)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        var services = optionsBuilder.Services;
        services.AddSingleton(new KeepLastValidName<TOptions>(optionsBuilder.Name));
        services.TryAddSingleton<IOptionsMonitor<TOptions>, LastValidOptionsMonitor<TOptions>>();
        services.TryAddScoped<IOptionsSnapshot<TOptions>, LastValidOptionsSnapshot<TOptions>>();
        return optionsBuilder;
    }
}
