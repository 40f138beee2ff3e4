using System.Text.Json;
using System.Text.Json.Serialization;
using Seva.Actors.Audio;
using Seva.Actors.Broadcast;
using Seva.Actors.Contracts;

namespace Seva.Actors.Fanout;

/// <summary>One event of a broadcast for its connections; exactly one payload field is set. Every
/// listener of a language gets the same object, so hosts serialise a caption or frame speech once.</summary>
public sealed record BroadcastEvent(
    string SessionId,
    Caption? Caption = null,
    BroadcastState? State = null,
    BroadcastStatus? Status = null,
    string? EndedReason = null,
    BroadcastSpeech? Speech = null);

/// <summary>A spoken final in one language (16-bit mono PCM; base64 in JSON, not an array of numbers).</summary>
public sealed record BroadcastSpeech(string SegmentId, string Language, int SampleRate, [property: JsonConverter(typeof(PcmBase64Converter))] short[] Samples);

/// <summary>Which connection gets an event, and its number for that connection.</summary>
public sealed record BroadcastTarget(string ConnectionId, long Sequence);

/// <summary>An event with the connections of one host that get it, as it travels over pub/sub.</summary>
public sealed record BroadcastEventEnvelope(string HostId, IReadOnlyList<BroadcastTarget> Targets, BroadcastEvent Event);

/// <summary>How a broadcast's events leave the actor for the hosts holding its connections. Called in the
/// broadcast's turn: implementations hand the event off and return at once.</summary>
public interface IBroadcastEventSink
{
    void Send(FollowerAddress to, long sequence, BroadcastEvent broadcastEvent);
}

/// <summary>PCM samples as base64 of their little-endian bytes: a third the size of a JSON number array.</summary>
public sealed class PcmBase64Converter : JsonConverter<short[]>
{
    public override short[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var bytes = reader.GetBytesFromBase64();
        var samples = new short[bytes.Length / 2];
        Pcm.ReadLittleEndian(bytes, samples);
        return samples;
    }

    public override void Write(Utf8JsonWriter writer, short[] value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        var bytes = new byte[value.Length * 2];
        Pcm.WriteLittleEndian(value, bytes);
        writer.WriteBase64StringValue(bytes);
    }
}
