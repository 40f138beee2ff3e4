using Microsoft.Extensions.Time.Testing;
using Seva.Web.Features.AwsCompat;

namespace Seva.Web.Tests.AwsCompat;

/// <summary>The published AWS Signature Version 4 test suite (the aws-sig-v4-test-suite cases, as kept in
/// awslabs/aws-c-auth): credentials AKIDEXAMPLE, region us-east-1, service "service", 2015-08-30T12:36:00Z.
/// Each case's request and the signatures AWS published for its header and its presigned-query form.</summary>
public sealed class SigV4TestSuiteTests
{
    private const string AccessKeyId = "AKIDEXAMPLE";
    private const string Date = "20150830T123600Z";
    private const string Scope = "20150830/us-east-1/service/aws4_request";

    private static readonly SigV4Policy Suite = new("service", TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));

    public sealed record Case(string Name, string Method, string Target, string[] Headers, string? BodySha256, string HeaderSignature, string QuerySignature)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() =>
    [
        new("get-vanilla", "GET", "/", [], null, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"),
        new("get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", [], null, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", "86012e2c9ad4d77369f5d81c11f75158aae4f895a085212cc6d3f923d300bed5"),
        new("get-vanilla-query-unreserved", "GET", "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", [], null, "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197", "8e76a88a7433637b12778d5592799b29ad21ecd6cf6325051c21d86f0acda2bf"),
        new("get-vanilla-utf8-query", "GET", "/?ሴ=bar", [], null, "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04", "0bdd809b1519ac4f0c1dc3540e2cc46bd0c7f778eda408b2ebf3b913d21ff600"),
        new("get-utf8", "GET", "/ሴ", [], null, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85", "10eae3f14a260bd3911cc6d008d3c576d143b05b62f09782a7a4b37f52178e44"),
        new("get-space-normalized", "GET", "/example space/", [], null, "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741", "7a1f416954786484c9824d93c1f26ef64acb9b1b6c9154d08c9f07d0e394abf6"),
        new("get-slashes-normalized", "GET", "//example//", [], null, "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84", "c1834e8fb0307243711f0f907f6ab7311ed300d87f13792d7ee4da89ab93e082"),
        new("get-relative-relative-normalized", "GET", "/example1/example2/../..", [], null, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"),
        new("get-slash-dot-slash-normalized", "GET", "/./", [], null, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"),
        new("get-header-value-trim", "GET", "/", ["My-Header1: value1", "My-Header2: \"a   b   c\""], null, "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736", "e7bb0fd515e125e1aec2ecc4c0c17484fb06f6846b927c35e46005dd3df3acd4"),
        new("get-header-key-duplicate", "GET", "/", ["My-Header1:value2", "My-Header1:value2", "My-Header1:value1"], null, "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea", "3349ee0b81b4b589da0ff28a395c3591e04de515651dd74f298fa992d1507a97"),
        new("post-vanilla", "POST", "/", [], null, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", "2ce6e6d2e0cf2f9d1b55fafec88cd20574c31dc2e7631979f71ba2310083e95b"),
        new("post-vanilla-query", "POST", "/?Param1=value1", [], null, "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11", "a9ef26247f293bffe40eeff86a0480ba8c14d31503b2e0c3399e3a16bf1a3682"),
        new("post-x-www-form-urlencoded", "POST", "/", ["Content-Type:application/x-www-form-urlencoded", "Content-Length:13"], "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e", "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b", "89a40deed0f26f9461242825a082d2222717248abc7ab41f552ad84a94ad46e9"),
        new("get-vanilla-with-session-token", "GET", "/", ["X-Amz-Security-Token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"], null, "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8", "7ff2b50b376cb4d151970630573d6291dc128cc5c2a12ffb237f73cc53f67b6c"),
    ];

    internal static SigV4Verifier Verifier(TimeProvider time, SigV4Policy policy, string accessKeyId, string secret)
    {
        var options = new AwsCompatOptions();
        options.Credentials.Add(new ConfiguredAwsCredential { AccessKeyId = accessKeyId, SecretAccessKey = secret, UserId = "user-1" });
        return new SigV4Verifier(new ConfiguredAwsCredentialStore(Microsoft.Extensions.Options.Options.Create(options)), time, policy);
    }

    private static SigV4Verifier SuiteVerifier(string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") =>
        Verifier(new FakeTimeProvider(DateTimeOffset.Parse("2015-08-30T12:38:00Z", System.Globalization.CultureInfo.InvariantCulture)), Suite, AccessKeyId, secret);

    private static Dictionary<string, IReadOnlyList<string>> Headers(Case c)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["Host"] = ["example.amazonaws.com"] };
        foreach (var line in c.Headers)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon];
            headers[name] = [.. headers.GetValueOrDefault(name) ?? [], line[(colon + 1)..]];
        }

        return headers;
    }

    private static SigV4Request HeaderForm(Case c, string signature)
    {
        var headers = Headers(c);
        headers["X-Amz-Date"] = [Date];
        if (c.BodySha256 is not null)
        {
            headers["X-Amz-Content-Sha256"] = [c.BodySha256];
        }

        var signed = string.Join(';', headers.Keys.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal));
        headers["Authorization"] = [$"AWS4-HMAC-SHA256 Credential={AccessKeyId}/{Scope}, SignedHeaders={signed}, Signature={signature}"];
        var question = c.Target.IndexOf('?', StringComparison.Ordinal);
        return new SigV4Request(c.Method, question < 0 ? c.Target : c.Target[..question], question < 0 ? "" : c.Target[(question + 1)..], headers);
    }

    private static SigV4Request QueryForm(Case c, string signature)
    {
        var headers = Headers(c);
        var token = headers.Remove("X-Amz-Security-Token", out var t) ? $"&X-Amz-Security-Token={t[0]}" : "";
        var signed = Uri.EscapeDataString(string.Join(';', headers.Keys.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal)));
        var question = c.Target.IndexOf('?', StringComparison.Ordinal);
        var query = (question < 0 ? "" : c.Target[(question + 1)..] + "&")
            + $"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={AccessKeyId}%2F{Uri.EscapeDataString(Scope)}&X-Amz-Date={Date}"
            + $"&X-Amz-SignedHeaders={signed}&X-Amz-Expires=3600{token}&X-Amz-Signature={signature}";
        return new SigV4Request(c.Method, question < 0 ? c.Target : c.Target[..question], query, headers) { BodySha256 = c.BodySha256 };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AuthorizationHeader_WithThePublishedSignature_IsVerified(Case c)
    {
        var result = await SuiteVerifier().VerifyAsync(HeaderForm(c, c.HeaderSignature), CancellationToken.None);

        var verified = Assert.IsType<SigV4Verified>(result);
        Assert.Equal((AccessKeyId, "user-1", "us-east-1", c.HeaderSignature, false), (verified.AccessKeyId, verified.UserId, verified.Region, verified.Signature, verified.Presigned));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PresignedQuery_WithThePublishedSignature_IsVerified(Case c)
    {
        var result = await SuiteVerifier().VerifyAsync(QueryForm(c, c.QuerySignature), CancellationToken.None);

        Assert.Equal(c.QuerySignature, Assert.IsType<SigV4Verified>(result).Signature);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EitherForm_WithAnotherSecretOrSignature_IsRejectedAsAMismatch(Case c)
    {
        var wrongSecret = await SuiteVerifier("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ").VerifyAsync(HeaderForm(c, c.HeaderSignature), CancellationToken.None);
        var swapped = await SuiteVerifier().VerifyAsync(QueryForm(c, c.HeaderSignature), CancellationToken.None);

        Assert.All([wrongSecret, swapped], r => Assert.Equal(SigV4Verifier.SignatureMismatch, Assert.IsType<SigV4Rejected>(r).Message));
    }
}
