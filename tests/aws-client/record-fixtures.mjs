// Records what the real @aws-sdk/client-transcribe-streaming sends, for fixed credentials and a fixed
// clock, into tests/Seva.Web.Tests/AwsCompat/Fixtures/ (run: npm ci && node record-fixtures.mjs).
//   sdk-http2-stream.json/.bin   StartStreamTranscription over HTTP/2 (h2c) to a local Node server: the
//                                request headers as received and the raw body bytes
//   sdk-http2-medical.json/.bin  StartMedicalStreamTranscription, likewise
//   sdk-all-header-types.bin     one message with a header of each of the ten value types, encoded by the
//                                SDK's own EventStreamCodec (the values are in the .json beside it)
//   sdk-websocket.json           the same call through the WebSocket request handler: the presigned URL and
//                                each binary frame, as the browser build sends them (unsigned) and as the
//                                Node build's signing payload handler sends them (signed envelopes)
// Alongside each: what the SDK handed its caller from the canned response, to show the answer was read.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import {
  TranscribeStreamingClient,
  StartStreamTranscriptionCommand,
  StartMedicalStreamTranscriptionCommand,
} from "@aws-sdk/client-transcribe-streaming";
import { eventStreamPayloadHandler } from "@aws-sdk/middleware-sdk-transcribe-streaming";
import { formatUrl } from "@aws-sdk/core/util";
import { HttpResponse } from "@smithy/core/protocols";
import { Int64 } from "@smithy/core/event-streams";
import {
  codec, CREDENTIALS, REGION, useFixedClockAndIds, startRecordingServer, transcriptEventMessage, pcmChunks, audioEvents,
} from "./lib.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "Seva.Web.Tests", "AwsCompat", "Fixtures");
const sdkVersion = JSON.parse(
  (await import("node:fs")).readFileSync(join(here, "node_modules/@aws-sdk/client-transcribe-streaming/package.json"), "utf8"),
).version;
const CLOCK_START = "2026-03-14T09:26:53.589Z";
const SESSION_ID = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab";
const CANNED = {
  Transcript: {
    Results: [{
      ResultId: "r-1", StartTime: 0, EndTime: 0.3, IsPartial: false,
      Alternatives: [{ Transcript: "Hello.", Items: [
        { StartTime: 0, EndTime: 0.25, Type: "pronunciation", Content: "Hello", Confidence: 0.9, Stable: true },
        { StartTime: 0.25, EndTime: 0.25, Type: "punctuation", Content: ".", Stable: true },
      ] }],
    }],
  },
};

useFixedClockAndIds(CLOCK_START);

function write(name, value) {
  writeFileSync(join(out, name), typeof value === "string" || value instanceof Uint8Array ? value : JSON.stringify(value, null, 2) + "\n");
  console.log(`wrote ${name}`);
}

const base64 = (bytes) => Buffer.from(bytes).toString("base64");

async function collect(stream) {
  const events = [];
  for await (const event of stream) {
    events.push(event);
  }
  return events;
}

async function recordHttp2(name, makeCommand, path) {
  const chunks = pcmChunks([3200, 3200, 1601]);
  const server = await startRecordingServer(() => transcriptEventMessage(CANNED));
  const client = new TranscribeStreamingClient({ region: REGION, endpoint: server.url, credentials: CREDENTIALS });
  try {
    const response = await client.send(makeCommand(audioEvents(chunks)));
    const events = await collect(response.TranscriptResultStream);
    const [record] = server.records;
    if (record.headers[":path"] !== path) {
      throw new Error(`expected ${path}, the SDK sent ${record.headers[":path"]}`);
    }
    write(`${name}.bin`, record.body);
    write(`${name}.json`, {
      recordedWith: `@aws-sdk/client-transcribe-streaming ${sdkVersion}, Node ${process.version}, by tests/aws-client/record-fixtures.mjs`,
      clockStart: CLOCK_START,
      region: REGION,
      credentials: CREDENTIALS,
      headers: record.headers,
      bodyFile: `${name}.bin`,
      audioChunks: chunks.map(base64),
      sdkOutput: { SessionId: response.SessionId, RequestId: response.$metadata.requestId, events },
    });
  } finally {
    client.destroy();
    server.close();
  }
}

// Stands in for WebSocketFetchHandler (which needs a TLS server on port 8443): same metadata, so the SDK
// builds and presigns the WebSocket request exactly as for the real handler; it records the URL that
// handler would open (formatUrl, as it does) and each body chunk, which that handler sends as one frame.
class RecordingWebSocketHandler {
  metadata = { handlerProtocol: "websocket/h1.1" };
  record = {};

  async handle(request) {
    this.record.url = formatUrl(request);
    this.record.headers = request.headers;
    this.record.frames = [];
    const body = request.body[Symbol.asyncIterator] ? request.body : Readable.fromWeb(request.body);
    for await (const chunk of body) {
      this.record.frames.push(base64(chunk));
    }
    return { response: new HttpResponse({ statusCode: 200, body: Readable.from([transcriptEventMessage(CANNED)]) }) };
  }

  updateHttpClientConfig() {}

  httpHandlerConfigs() {
    return {};
  }

  destroy() {}
}

async function recordWebSocket(signedFrames) {
  const chunks = pcmChunks([320, 320]);
  const handler = new RecordingWebSocketHandler();
  const client = new TranscribeStreamingClient({
    region: REGION,
    endpoint: "https://seva.example",
    credentials: CREDENTIALS,
    requestHandler: handler,
    ...(signedFrames ? {} : { eventStreamPayloadHandlerProvider: () => eventStreamPayloadHandler }),
  });
  try {
    const response = await client.send(new StartStreamTranscriptionCommand({
      LanguageCode: "en-US", MediaEncoding: "pcm", MediaSampleRateHertz: 16000, SessionId: SESSION_ID,
      AudioStream: audioEvents(chunks),
    }));
    const events = await collect(response.TranscriptResultStream);
    return { ...handler.record, audioChunks: chunks.map(base64), sdkOutput: { SessionId: response.SessionId, events } };
  } finally {
    client.destroy();
  }
}

const allTypes = {
  ":true": { type: "boolean", value: true },
  ":false": { type: "boolean", value: false },
  "byte": { type: "byte", value: -5 },
  "short": { type: "short", value: -12345 },
  "integer": { type: "integer", value: 40972 },
  "long": { type: "long", value: Int64.fromNumber(-1234567890123) },
  "binary": { type: "binary", value: Uint8Array.from([0, 1, 2, 253, 254, 255]) },
  "string": { type: "string", value: "h\u00e9llo \u2713" },
  "timestamp": { type: "timestamp", value: new Date(Date.UTC(2026, 2, 14, 9, 26, 53, 589)) },
  "uuid": { type: "uuid", value: "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab" },
};
write("sdk-all-header-types.bin", codec.encode({ headers: allTypes, body: Uint8Array.from([123, 125]) }));
write("sdk-all-header-types.json", {
  recordedWith: `@smithy/core EventStreamCodec, by tests/aws-client/record-fixtures.mjs`,
  payloadBase64: base64(Uint8Array.from([123, 125])),
  headers: Object.entries(allTypes).map(([name, { type, value }]) => ({
    name,
    type,
    value: type === "long" ? value.valueOf() : type === "binary" ? base64(value) : type === "timestamp" ? value.valueOf() : value,
  })),
});

await recordHttp2("sdk-http2-stream", (audio) => new StartStreamTranscriptionCommand({
  LanguageCode: "en-US", MediaEncoding: "pcm", MediaSampleRateHertz: 16000, SessionId: SESSION_ID,
  EnablePartialResultsStabilization: true, PartialResultsStability: "high", AudioStream: audio,
}), "/stream-transcription");

await recordHttp2("sdk-http2-medical", (audio) => new StartMedicalStreamTranscriptionCommand({
  LanguageCode: "en-US", MediaEncoding: "pcm", MediaSampleRateHertz: 16000, Specialty: "PRIMARYCARE",
  Type: "DICTATION", AudioStream: audio,
}), "/medical-stream-transcription");

write("sdk-websocket.json", {
  recordedWith: `@aws-sdk/client-transcribe-streaming ${sdkVersion}, Node ${process.version}, by tests/aws-client/record-fixtures.mjs`,
  clockStart: CLOCK_START,
  region: REGION,
  credentials: CREDENTIALS,
  browser: await recordWebSocket(false),
  nodeSigned: await recordWebSocket(true),
});
