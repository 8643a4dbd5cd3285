using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration;

/// <summary>
/// Names the members an <see cref="OptionsValidationException"/> reports as failed, without ever
/// passing on its text: a failure message can quote a value (a custom validator, an
/// <c>IValidatableObject</c>, a DataAnnotations <c>ErrorMessage</c>), so only names that are public
/// properties of the options type are kept.
/// </summary>
internal static partial class ValidationFailureMembers
{
    public const string Unnamed = "(not named by the validator)";

    /// <summary>Gets the failed members as a comma-separated list of property names (or <see cref="Unnamed"/>).</summary>
    public static string Describe(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type optionsType,
        OptionsValidationException exception)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var failure in exception.Failures)
        {
            foreach (Match match in MembersPattern().Matches(failure))
            {
                foreach (var candidate in match.Groups[1].Value.Split(','))
                {
                    var name = candidate.Trim();
                    if (IsPropertyPath(optionsType, name))
                    {
                        names.Add(name);
                    }
                }
            }
        }

        return names.Count == 0 ? Unnamed : string.Join(", ", names);
    }

    private static bool IsPropertyPath(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type optionsType,
        string name)
    {
        if (!PathPattern().IsMatch(name))
        {
            return false;
        }

        var first = name.Split('.')[0];
        return optionsType.GetProperty(first, BindingFlags.Public | BindingFlags.Instance) is not null;
    }

    // DataAnnotations (reflection and source-generated) phrase a failure as "... members: 'A,B' with the error: '...'".
    [GeneratedRegex("members: '([^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex MembersPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,127}(\.[A-Za-z_][A-Za-z0-9_]{0,127}){0,8}$", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();
}
