using K8sSecrets.Configuration.Aws;
using K8sSecrets.Configuration.ExternalSecrets;
using K8sSecrets.Configuration.ExternalSecrets.Manifests;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.ExternalSecrets.Aws;

/// <summary>
/// The translator of the <c>aws</c> provider (<c>service: SecretsManager</c>) and of legacy
/// <c>backendType: secretsManager</c>: builds <see cref="AwsSecretsManagerOptions"/> with one
/// whole-value key per reference and reuses the AWS source. Credentials come from the pod (the SDK's
/// default chain: IRSA, EKS Pod Identity), since no controller holds another identity.
/// </summary>
internal sealed class AwsExternalSecretStore(Action<AwsSecretsManagerOptions>? configure) : IExternalSecretStore
{
    private const string PodIdentity = "supported: no auth block, so the pod's own identity is used (IRSA or EKS Pod Identity, through the AWS SDK's default chain)";
    private const string VersionIdPrefix = "uuid/";

    private static readonly Dictionary<string, string> s_unsupported = new(StringComparer.Ordinal)
    {
        ["role"] = "assuming another role is not supported; give the pod's own role (IRSA or EKS Pod Identity) access to the secrets.",
        ["additionalRoles"] = "role chaining is not supported; give the pod's own role access to the secrets.",
        ["externalID"] = "externalID is only used when assuming a role, which is not supported.",
        ["sessionTags"] = "session tags are only used when assuming a role, which is not supported.",
        ["transitiveTagKeys"] = "transitive tags are only used when assuming a role, which is not supported.",
        ["sessionTagsPolicy"] = "session tags are only used when assuming a role, which is not supported.",
    };

    private static readonly Dictionary<string, string> s_authUnsupported = new(StringComparer.Ordinal)
    {
        ["secretRef"] = $"access keys from a Kubernetes Secret are not supported; {PodIdentity}. Or set them with es.UseAws(aws => aws.Credentials = ...).",
        ["jwt"] = $"jwt auth (a token requested for another service account) is not supported; {PodIdentity}.",
    };

    public string Provider => "aws";

    public ExternalSecretValueRules ValueRules => ExternalSecretValueRules.LiteralThenPath;

    public Func<SecretSourceContext, SecretSource> Prepare(ExternalSecretStoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new AwsSecretsManagerOptions
        {
            PollInterval = request.RefreshInterval ?? SecretRetryPolicy.LongestWait,
            Optional = request.Options.Optional,
            TrimTrailingNewline = false,
            MissingIsAbsent = true,
        };
        var node = request.ProviderNode;
        if (request.IsLegacy)
        {
            Legacy(request, node, options);
        }
        else
        {
            Eso(request, node, options);
        }

        configure?.Invoke(options);
        options.CheckSettings();
        return context => AwsSecretsManagerKubernetesSecretsBuilderExtensions.Create(options, context);
    }

    private static void Eso(ExternalSecretStoreRequest request, ManifestNode aws, AwsSecretsManagerOptions options)
    {
        aws.AllowOnly(["service", "region", "prefix", "auth", "secretsManager"], s_unsupported);
        aws.OneOf("service", string.Empty, ["SecretsManager"], "FromExternalSecret reads AWS Secrets Manager only");
        if (aws.Text("service") is not { Length: > 0 })
        {
            throw aws.FailAt("service", "this field is required; supported: SecretsManager.");
        }

        options.Region = Region(aws, aws.RequiredText("region"));
        if (aws.Child("auth") is { } auth)
        {
            auth.AllowOnly([], s_authUnsupported);
        }

        var prefix = aws.Text("prefix") ?? string.Empty;
        foreach (var reference in request.RemoteRefs)
        {
            var version = reference.Version switch
            {
                null or "" => null,
                var text when text.StartsWith(VersionIdPrefix, StringComparison.Ordinal) => VersionId(request, reference, text[VersionIdPrefix.Length..]),
                var stage => Stage(request, reference, stage),
            };
            Declare(request, reference, prefix + reference.Key, version, options);
        }
    }

    private static void Legacy(ExternalSecretStoreRequest request, ManifestNode spec, AwsSecretsManagerOptions options)
    {
        if (spec.Text("roleArn") is { Length: > 0 })
        {
            throw spec.FailAt("roleArn", "assuming another role is not supported; give the pod's own role (IRSA or EKS Pod Identity) access to the secrets.");
        }

        options.Region = spec.Text("region") is { Length: > 0 } region ? Region(spec, region) : null; // else AWS_REGION, as the old controller read it
        foreach (var reference in request.RemoteRefs)
        {
            // versionId (a UUID) or versionStage; the reader merged them into one field.
            var version = reference.Version switch
            {
                null or "" => null,
                var text when Guid.TryParse(text, out _) => VersionId(request, reference, text),
                var stage => Stage(request, reference, stage),
            };
            Declare(request, reference, reference.Key, version, options);
        }
    }

    private static void Declare(ExternalSecretStoreRequest request, ExternalSecretRemoteRef reference, string name, AwsSecretVersion? version, AwsSecretsManagerOptions options)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 2048)
        {
            throw request.Invalid(reference.FieldPath + ".key", "a Secrets Manager secret id is a name or ARN of 1 to 2048 characters.");
        }

        if (!AwsSecretsManagerOptions.IsSecretId(name.Trim()))
        {
            throw request.Invalid(reference.FieldPath + ".key", $"'{name}' is not a Secrets Manager secret ARN; give a name, or an ARN of the form {AwsSecretsManagerOptions.ArnForm}.");
        }

        options.Secret(name, version, key: reference.Id);
    }

    private static AwsSecretVersion VersionId(ExternalSecretStoreRequest request, ExternalSecretRemoteRef reference, string id)
        => id.Length is >= 32 and <= 64
            ? AwsSecretVersion.Id(id)
            : throw request.Invalid(reference.FieldPath + ".version", $"'{id}' is not a Secrets Manager version id (32 to 64 characters).");

    private static AwsSecretVersion Stage(ExternalSecretStoreRequest request, ExternalSecretRemoteRef reference, string stage)
        => stage.Length <= 256
            ? AwsSecretVersion.Stage(stage)
            : throw request.Invalid(reference.FieldPath + ".version", "a staging label has at most 256 characters (or use uuid/<VersionId>).");

    private static string Region(ManifestNode node, string region)
        => region.Length <= 64 && region.All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            ? region
            : throw node.FailAt("region", $"'{region}' is not an AWS region (for example eu-west-1).");
}
