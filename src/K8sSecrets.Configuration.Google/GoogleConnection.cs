using Google.Apis.Auth.OAuth2;
using K8sSecrets.Configuration.Google.Http;

namespace K8sSecrets.Configuration.Google;

/// <summary>
/// The credential, the API client and the project, made at the first read (Application Default
/// Credentials may read files or ask the metadata server, so nothing happens before it is needed).
/// </summary>
internal sealed class GoogleConnection : IDisposable
{
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(5);

    private readonly CredentialTokenSource _tokens;

    private GoogleConnection(ISecretManagerApi api, CredentialTokenSource tokens, string project, string? location)
    {
        Api = api;
        _tokens = tokens;
        Project = project;
        Location = location;
        Parent = GoogleNames.Parent(project, location);
        Where = location is null ? $"project {project}" : $"project {project}, location {location}";
    }

    public ISecretManagerApi Api { get; }

    public string Project { get; }

    /// <summary>Gets the location of regional secrets, or <see langword="null"/> for global ones.</summary>
    public string? Location { get; }

    /// <summary>Gets the parent of the secrets: <c>projects/{project}</c>, or <c>projects/{project}/locations/{location}</c> for regional secrets.</summary>
    public string Parent { get; }

    /// <summary>Gets where the secrets are, for messages: <c>project p</c> or <c>project p, location l</c>.</summary>
    public string Where { get; }

    /// <summary>Gets a description of the credential for messages, for example <c>the GKE metadata server (Workload Identity)</c>.</summary>
    public string Credential => _tokens.Description;

    public static async Task<GoogleConnection> OpenAsync(GoogleSecretManagerOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var credential = options.Credential ?? await ApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (credential is GoogleCredential { IsCreateScopedRequired: true } unscoped)
        {
            credential = unscoped.CreateScoped(Scope);
        }

        var tokens = new CredentialTokenSource(credential, Describe(credential, options.Credential is null));
        var project = options.ProjectId
            ?? FromEnvironment()
            ?? ((credential as GoogleCredential)?.UnderlyingCredential as ServiceAccountCredential ?? credential as ServiceAccountCredential)?.ProjectId
            ?? await FromMetadataServerAsync(credential, cancellationToken).ConfigureAwait(false);
        if (project is null || !GoogleNames.IsProject(project))
        {
            throw new SecretSourceException(
                "No Google Cloud project for Secret Manager: set GoogleSecretManagerOptions.ProjectId or the GOOGLE_CLOUD_PROJECT environment variable "
                + "(the credential carries none and no metadata server answered).")
            { IsTransient = false };
        }

        var handler = options.HttpMessageHandlerFactory?.Invoke() ?? SecretStoreHttp.CreateHandler(caBundlePath: null, clientCertificate: null);
        var api = new SecretManagerHttpApi(handler, options.EffectiveEndpoint, tokens, options.MaxConcurrentRequests, options.RequestTimeout, time);
        return new GoogleConnection(api, tokens, project, options.EffectiveLocation);
    }

    public void Dispose() => Api.Dispose();

    private static async Task<ICredential> ApplicationDefaultAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new SecretSourceException(
                $"No Google credential found ({ex.GetType().Name}). On GKE enable Workload Identity for the pod's service account; elsewhere set "
                + "GOOGLE_APPLICATION_CREDENTIALS or GoogleSecretManagerOptions.Credential.")
            { IsTransient = false };
        }
    }

    private static string Describe(ICredential credential, bool applicationDefault)
    {
        var inner = credential is GoogleCredential google ? google.UnderlyingCredential : credential;
        var what = inner switch
        {
            ComputeCredential => "the metadata server's credential (GKE Workload Identity or the node's service account)",
            ServiceAccountCredential account => $"the service account key of {account.Id}",
            _ => $"a {inner.GetType().Name}",
        };
        return applicationDefault ? what + " from Application Default Credentials" : what;
    }

    private static string? FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT");
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>Asks the metadata server that issues the credential's tokens which project it runs in.</summary>
    private static async Task<string?> FromMetadataServerAsync(ICredential credential, CancellationToken cancellationToken)
    {
        var inner = credential is GoogleCredential google ? google.UnderlyingCredential : credential;
        if (inner is not ComputeCredential compute || !Uri.TryCreate(compute.TokenServerUrl, UriKind.Absolute, out var tokenUrl))
        {
            return null;
        }

        using var http = new HttpClient { Timeout = MetadataTimeout, MaxResponseContentBufferSize = 1024 };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(tokenUrl.GetLeftPart(UriPartial.Authority)), "computeMetadata/v1/project/project-id"));
        request.Headers.TryAddWithoutValidation("Metadata-Flavor", "Google");
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var text = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
            return GoogleNames.IsProject(text) ? text : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
