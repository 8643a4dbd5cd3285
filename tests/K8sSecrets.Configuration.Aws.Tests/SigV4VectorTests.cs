using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using K8sSecrets.Configuration.Aws.Http;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>
/// The package's signer against AWS's published "Signature Version 4 Test Suite" (the
/// aws4_testsuite files shipped with botocore, tests/unit/auth/aws4_testsuite, Apache-2.0):
/// credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region us-east-1, service
/// "service", time 20150830T123600Z. Expected strings are copied from the suite's .creq, .sts and
/// .authz files.
/// </summary>
public sealed class SigV4VectorTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset SignedAt = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Fact]
    public void Get_vanilla_gives_the_suites_canonical_request_string_to_sign_and_authorization()
    {
        // get-vanilla.creq
        const string Creq = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        var canonical = SigV4Signer.CanonicalRequest(
            "GET", "/", string.Empty, [new("host", "example.amazonaws.com"), new("x-amz-date", "20150830T123600Z")], "host;x-amz-date", SigV4Signer.HexSha256([]));
        Assert.Equal(Creq, canonical);

        // get-vanilla.sts
        var sts = SigV4Signer.StringToSign("20150830T123600Z", SigV4Signer.Scope(SignedAt, "us-east-1", "service"), canonical);
        Assert.Equal("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", sts);

        // get-vanilla.authz, through the whole request path
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");
        SigV4Signer.Sign(request, [], new SigningCredentials(AccessKey, SecretKey, null), "us-east-1", "service", SignedAt);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            request.Headers.Authorization!.ToString());
    }

    [Fact]
    public void Post_x_www_form_urlencoded_signs_the_content_type_and_the_body_hash()
    {
        var body = Encoding.UTF8.GetBytes("Param1=value1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");

        SigV4Signer.Sign(request, body, new SigningCredentials(AccessKey, SecretKey, null), "us-east-1", "service", SignedAt);

        // post-x-www-form-urlencoded.creq's last line and .authz
        Assert.Equal("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e", SigV4Signer.HexSha256(body));
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            request.Headers.Authorization!.ToString());
    }

    [Fact]
    public void Get_vanilla_with_session_token_signs_the_token_header()
    {
        const string Token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");

        SigV4Signer.Sign(request, [], new SigningCredentials(AccessKey, SecretKey, Token), "us-east-1", "service", SignedAt);

        Assert.Equal(Token, request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
            request.Headers.Authorization!.ToString());
    }

    [Fact]
    public void The_fakes_verifier_reproduces_the_suites_signature_on_its_own()
    {
        // The fake checks requests with SigV4Check, written apart from the package's signer; it must pass the suite too.
        var canonical = SigV4Check.Canonical("GET", "/", "", h => h == "host" ? "example.amazonaws.com" : "20150830T123600Z", ["host", "x-amz-date"], []);
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", SigV4Check.Sign(SecretKey, "20150830T123600Z", "us-east-1", "service", canonical));
    }

    [Fact]
    public async Task The_signer_agrees_with_AWSSDK_Cores_public_signer_on_a_Secrets_Manager_request()
    {
        // AWSSDK.Core 4.1.0's Amazon.Runtime.Signing.AWSSigV4Signer always signs x-amz-content-sha256,
        // so the same request carries that header for both signers.
        var body = Encoding.UTF8.GetBytes("""{"SecretIdList":["prod/payments/db"]}""");
        var at = new DateTime(2026, 3, 1, 8, 30, 0, DateTimeKind.Utc);
        var sdk = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = new Uri("https://secretsmanager.eu-west-1.amazonaws.com/"), Content = body };
        sdk.Headers["Content-Type"] = "application/x-amz-json-1.1";
        sdk.Headers["X-Amz-Target"] = "secretsmanager.BatchGetSecretValue";
        var result = await AWSSigV4Signer.SignAsync(sdk, new AWSSigV4Parameters
        {
            Credentials = new SessionAWSCredentials(AccessKey, SecretKey, "token-1"),
            Region = Amazon.RegionEndpoint.EUWest1,
            Service = "secretsmanager",
            SignedAt = at,
        }, CancellationToken.None);

        using var ours = new HttpRequestMessage(HttpMethod.Post, "https://secretsmanager.eu-west-1.amazonaws.com/") { Content = new ByteArrayContent(body) };
        ours.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        ours.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.BatchGetSecretValue");
        ours.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", SigV4Signer.HexSha256(body));
        SigV4Signer.Sign(ours, body, new SigningCredentials(AccessKey, SecretKey, "token-1"), "eu-west-1", "secretsmanager", at);

        Assert.Contains("x-amz-content-sha256", result.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal(result.Headers["Authorization"], ours.Headers.Authorization!.ToString());
    }

    [Theory]
    [InlineData("a  b   c", "a b c")]
    [InlineData("  value  ", "value")]
    public void Header_values_are_trimmed_and_runs_of_spaces_compressed(string raw, string canonical)
        => Assert.Equal(canonical, SigV4Signer.CanonicalValue(raw));
}
