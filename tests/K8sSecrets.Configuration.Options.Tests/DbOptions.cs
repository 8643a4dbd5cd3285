using System.ComponentModel.DataAnnotations;

namespace K8sSecrets.Configuration.Options.Tests;

/// <summary>Options with a password that must be at least 8 characters.</summary>
public class DbOptions
{
    [Required]
    public string? User { get; set; }

    [Required]
    [MinLength(8)]
    public string? Password { get; set; }
}

/// <summary>Its own type, so metrics tagged by type do not mix between tests running in parallel.</summary>
public sealed class LoopDbOptions : DbOptions;

/// <summary>Its own type, for the watcher-driven test.</summary>
public sealed class WatchedDbOptions : DbOptions;

/// <summary>Its own type, for the named options test.</summary>
public sealed class NamedDbOptions : DbOptions;

/// <summary>A careless validator that quotes the value in its message: that text must never be logged.</summary>
public sealed class QuotingDbOptions : IValidatableObject
{
    public string? User { get; set; }

    public string? Password { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Password is null || !Password.StartsWith("ok-", StringComparison.Ordinal))
        {
            yield return new ValidationResult($"Password '{Password}' must start with ok-", [nameof(Password), "'" + Password + "'"]);
        }
    }
}
