using System.Globalization;

namespace Seva.Web.Features.AwsCompat;

/// <summary>Checks the chunk signatures of a signed event stream, as the JS SDK's EventSigningTransformStream
/// makes them: each envelope carries <c>:date</c> (timestamp) and <c>:chunk-signature</c> (32 bytes) and has
/// the real event as its payload; its signature is HMAC-SHA256, under the signing key of its own date, of
/// <c>AWS4-HMAC-SHA256-PAYLOAD \n date \n scope \n prior signature \n SHA-256(other headers as encoded)
/// \n SHA-256(payload)</c>, the first one chained to the request's own signature. So a changed byte, a
/// wrong key, or an event dropped, replayed or reordered breaks the chain. An envelope with an empty payload
/// ends the stream. One reader per stream: not thread-safe.</summary>
public sealed class EventStreamSignatureChain(SigV4Verified request, TimeProvider time, TimeSpan clockSkew)
{
    public const string DateHeader = ":date";
    public const string SignatureHeader = ":chunk-signature";

    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private string _prior = request?.Signature ?? throw new ArgumentNullException(nameof(request));
    private int _count;

    /// <summary>True once the empty envelope that ends the stream has been verified.</summary>
    public bool Ended { get; private set; }

    /// <summary>Verifies the next envelope and returns its payload, the signed event's bytes (empty at the end).</summary>
    /// <exception cref="AwsCompatException">InvalidSignatureException: unsigned, wrongly signed, out of time,
    /// or after the end.</exception>
    public ReadOnlyMemory<byte> Verify(EventStreamMessage envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var number = ++_count;
        if (Ended)
        {
            throw Invalid($"Event {number} came after the empty event that ended the stream.");
        }

        if (!envelope.TryGetHeader(SignatureHeader, out var given) || given.Type != EventStreamHeaderType.ByteArray || given.AsBytes().Length != 32)
        {
            throw Invalid($"Event {number} has no {SignatureHeader} header of 32 bytes: every event of this stream must be signed.");
        }

        if (!envelope.TryGetHeader(DateHeader, out var dateValue) || dateValue.Type != EventStreamHeaderType.Timestamp)
        {
            throw Invalid($"Event {number} has no {DateHeader} timestamp header: a signed event says when it was signed.");
        }

        var date = CheckDate(number, dateValue.AsTimestampMilliseconds());
        var shortDate = SigV4.ShortDate(date);
        var signed = envelope.Headers.Where(h => !string.Equals(h.Name, SignatureHeader, StringComparison.Ordinal)).ToList();
        var stringToSign = string.Join('\n',
            SigV4.EventAlgorithm,
            SigV4.LongDate(date),
            SigV4.Scope(shortDate, request.Region, request.Service),
            _prior,
            SigV4.Sha256Hex(EventStreamCodec.EncodeHeaders(signed)),
            SigV4.Sha256Hex(envelope.Payload.Span));
        var expected = SigV4.Sign(KeyFor(shortDate), stringToSign);
        if (!SigV4.SameSignature(expected, Convert.ToHexStringLower(given.AsBytes().Span)))
        {
            throw Invalid($"The signature of event {number} does not match: it was not signed with this request's key, or it or an event before it was changed, dropped, replayed or reordered.");
        }

        _prior = expected;
        Ended = envelope.Payload.IsEmpty;
        return envelope.Payload;
    }

    private DateTimeOffset CheckDate(int number, long milliseconds)
    {
        var now = time.GetUtcNow();
        var skew = (long)clockSkew.TotalMilliseconds;
        if (milliseconds < now.ToUnixTimeMilliseconds() - skew || milliseconds > now.ToUnixTimeMilliseconds() + skew)
        {
            var minutes = clockSkew.TotalMinutes.ToString(CultureInfo.InvariantCulture);
            throw Invalid($"Event {number} is dated {milliseconds} ms after 1970, more than {minutes} min from the server's clock ({SigV4.LongDate(now)}).");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }

    private byte[] KeyFor(string shortDate)
    {
        if (!_keys.TryGetValue(shortDate, out var key))
        {
            // A stream that runs past midnight UTC signs with the next day's key: at most two or three.
            key = SigV4.SigningKey(request.Secret, shortDate, request.Region, request.Service);
            _keys[shortDate] = key;
        }

        return key;
    }

    private static AwsCompatException Invalid(string message) => new(AwsCompatException.InvalidSignature, message);
}
