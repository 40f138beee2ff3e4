using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Seva.Web.Features.AwsCompat;

namespace Seva.Web.Tests.AwsCompat;

public sealed class SigV4VerifierProperties
{
    private static readonly string[] Pieces =
    [
        "AWS4-HMAC-SHA256", " ", ",", "=", "/", ";", "Credential", "SignedHeaders", "Signature", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Algorithm",
        "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "&", "%", "%2F", "20260314", "T092653Z", "host", "aws4_request", "transcribe",
        "us-east-1", "AKIASEVAEXAMPLE00001", "99991231T235959Z", "00010101T000000Z", "300", "-1", "ሴ", "0",
    ];

    private static Gen<string> Junk() => Gen.Choose(0, 14).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(string.Concat);

    [Property(MaxTest = 300)]
    public Property AnyAuthorizationOrQuery_IsRejected_NeverThrows() => Prop.ForAll(
        Junk().ToArbitrary(), Junk().ToArbitrary(), Junk().ToArbitrary(), (authorization, query, date) =>
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 14, 9, 26, 53, TimeSpan.Zero));
            var verifier = SigV4TestSuiteTests.Verifier(time, SigV4Policy.Transcribe, "AKIASEVAEXAMPLE00001", "0123456789abcdef");
            var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["host"] = ["seva.example"], ["x-amz-date"] = [date] };
            if (authorization.Length % 2 == 0)
            {
                headers["authorization"] = [authorization];
            }

            // The configured store answers synchronously, so the ValueTask has completed.
            var result = verifier.VerifyAsync(new SigV4Request("GET", "/stream-transcription-websocket", query, headers), CancellationToken.None);
            Assert.True(result.IsCompletedSuccessfully);
            Assert.IsType<SigV4Rejected>(result.Result);
        });
}
