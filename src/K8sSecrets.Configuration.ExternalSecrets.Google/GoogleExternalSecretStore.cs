using K8sSecrets.Configuration.ExternalSecrets;
using K8sSecrets.Configuration.ExternalSecrets.Manifests;
using K8sSecrets.Configuration.Google;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.ExternalSecrets.Google;

/// <summary>
/// The translator of the <c>gcpsm</c> provider and of legacy <c>backendType: gcpSecretsManager</c>:
/// builds <see cref="GoogleSecretManagerOptions"/> with one whole-payload key per reference and reuses
/// the Secret Manager source. The pod's own identity is used: Application Default Credentials, which
/// on GKE with Workload Identity are the metadata server's tokens for the pod's service account.
/// A store's <c>location</c> reads regional secrets as the controller does: at
/// <c>secretmanager.{location}.rep.googleapis.com</c>, named <c>projects/{p}/locations/{location}/secrets/{id}</c>
/// (external-secrets <c>providers/v1/gcp/secretmanager/provider.go</c> <c>newSMClient</c> and
/// <c>client.go</c> <c>regionalSecretVersionsPath</c>, read at 17984d0e/146ea7e9).
/// </summary>
internal sealed class GoogleExternalSecretStore(Action<GoogleSecretManagerOptions>? configure) : IExternalSecretStore
{
    private const string PodIdentity = "supported: no auth block or workloadIdentity, so the pod's own identity is used (GKE Workload Identity or Application Default Credentials)";

    private static readonly Dictionary<string, string> s_authUnsupported = new(StringComparer.Ordinal)
    {
        ["secretRef"] = $"a service account key from a Kubernetes Secret is not supported; {PodIdentity}. Or set a credential with es.UseGoogleSecretManager(g => g.Credential = ...).",
        ["workloadIdentityFederation"] = $"workload identity federation from another token is not supported; {PodIdentity} (an external_account file in GOOGLE_APPLICATION_CREDENTIALS works through ADC).",
    };

    public string Provider => "gcpsm";

    public ExternalSecretValueRules ValueRules => ExternalSecretValueRules.LiteralThenPath;

    public Func<SecretSourceContext, SecretSource> Prepare(ExternalSecretStoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new GoogleSecretManagerOptions
        {
            PollInterval = request.RefreshInterval ?? SecretRetryPolicy.LongestWait,
            Optional = request.Options.Optional,
            TrimTrailingNewline = false,
        };
        var node = request.ProviderNode;
        string? project;
        if (request.IsLegacy)
        {
            project = node.Text("projectId");
        }
        else
        {
            node.AllowOnly(["projectID", "location", "auth", "secretVersionSelectionPolicy"]);
            node.OneOf("secretVersionSelectionPolicy", "LatestOrFail", ["LatestOrFail"], "LatestOrFetch falls back to older versions, which is not supported");
            if (node.Child("auth") is { } auth)
            {
                auth.AllowOnly(["workloadIdentity"], s_authUnsupported);

                // workloadIdentity names the service account (and cluster) the controller would get a
                // token for; in-process the pod's own Workload Identity is used, so the pod must run as it.
                auth.Child("workloadIdentity")?.AllowOnly(["serviceAccountRef", "clusterLocation", "clusterName", "clusterProjectID"]);
            }

            project = node.Text("projectID");
            if (node.Text("location") is { Length: > 0 } location)
            {
                options.Location = GoogleNames.IsGlobal(location)
                    ? throw node.FailAt("location", $"'{location}' names no region: {GoogleNames.GlobalIsNoLocation}")
                    : GoogleNames.IsLocation(location)
                    ? location
                    : throw node.FailAt("location", $"'{location}' is not a Secret Manager location (lower-case letters, digits and '-', for example europe-west1).");
            }
        }

        if (project is { Length: > 0 })
        {
            options.ProjectId = GoogleNames.IsProject(project)
                ? project
                : throw node.FailAt(request.IsLegacy ? "projectId" : "projectID", $"'{project}' is not a Google Cloud project id or number.");
        }

        foreach (var reference in request.RemoteRefs)
        {
            if (!GoogleNames.IsSecretId(reference.Key))
            {
                throw request.Invalid(reference.FieldPath + ".key", $"'{reference.Key}' is not a Secret Manager secret id (1 to 255 letters, digits, '-' and '_').");
            }

            var version = reference.Version is { Length: > 0 } v ? v : "latest";
            if (!GoogleNames.IsVersion(version))
            {
                throw request.Invalid(reference.FieldPath + ".version", $"'{version}' is not a version (a number from 1, 'latest', or an alias).");
            }

            options.Secret(reference.Key, key: reference.Id, version: version);
        }

        configure?.Invoke(options);
        options.CheckSettings();
        return context => GoogleSecretManagerKubernetesSecretsBuilderExtensions.Create(options, context);
    }
}
