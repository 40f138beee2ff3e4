// Shared pieces of the scripts that drive the real AWS SDK for JavaScript against local stand-ins.
import http2 from "node:http2";
import { EventStreamCodec } from "@smithy/core/event-streams";

export const CREDENTIALS = {
  accessKeyId: "AKIDSEVAFIXTURE00001",
  secretAccessKey: "sevaFixtureSecret/0123456789+abcdefghijKLMN",
};
export const REGION = "us-east-1";

const utf8 = new TextEncoder();
const fromUtf8 = (s) => utf8.encode(s);
const toUtf8 = (b) => new TextDecoder().decode(b);
export const codec = new EventStreamCodec(toUtf8, fromUtf8);

// The SDK signs with `new Date()` and `Date.now()`, and signs its random amz-sdk-invocation-id header: a
// clock that starts at a fixed instant and moves 7 ms at every read, and UUIDs from a counter, make the
// bytes the same at every run (for the same SDK and Node versions).
export function useFixedClockAndIds(startIso) {
  let uuids = 0;
  globalThis.crypto.randomUUID = () => `00000000-0000-4000-8000-${(++uuids).toString(16).padStart(12, "0")}`;
  const RealDate = Date;
  let now = RealDate.parse(startIso);
  const read = () => {
    const t = now;
    now += 7;
    return t;
  };
  class FixedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) {
        super(read());
      } else {
        super(...args);
      }
    }
    static now() {
      return read();
    }
  }
  globalThis.Date = FixedDate;
}

// A plaintext HTTP/2 server on a loopback port that records the request of each stream and answers at once
// with `responseHeaders` (by default status 200 and the transcribe headers echoed), then `respond(record)`
// bytes once the request body has ended.
export async function startRecordingServer(respond, responseHeaders) {
  const records = [];
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    const record = { headers: { ...headers }, chunks: [] };
    records.push(record);
    const echoed = Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith("x-amzn-transcribe-")));
    stream.respond(responseHeaders ?? {
      ":status": 200,
      "content-type": "application/vnd.amazon.eventstream",
      "x-amzn-request-id": "00000000-0000-4000-8000-000000000001",
      ...echoed,
    });
    stream.on("data", (chunk) => record.chunks.push(Buffer.from(chunk)));
    stream.on("end", () => {
      record.body = Buffer.concat(record.chunks);
      delete record.chunks;
      stream.end(respond(record));
    });
  });
  // The SDK signs :authority, so a fixed port keeps the fixtures the same from run to run; any free port
  // does if it is taken.
  await new Promise((resolve, reject) => {
    server.once("error", (error) => (error.code === "EADDRINUSE" ? server.listen(0, "127.0.0.1", resolve) : reject(error)));
    server.listen(47111, "127.0.0.1", resolve);
  });
  return { url: `http://127.0.0.1:${server.address().port}`, records, close: () => server.close() };
}

export function transcriptEventMessage(event) {
  return codec.encode({
    headers: {
      ":event-type": { type: "string", value: "TranscriptEvent" },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "event" },
    },
    body: fromUtf8(JSON.stringify(event)),
  });
}

// Deterministic 16-bit PCM (a 440 Hz tone at 16 kHz), cut into the given chunk sizes.
export function pcmChunks(sizes) {
  let sample = 0;
  return sizes.map((size) => {
    const chunk = Buffer.alloc(size);
    for (let i = 0; i + 1 < size; i += 2) {
      chunk.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * sample++) / 16000)), i);
    }
    return new Uint8Array(chunk);
  });
}

export async function* audioEvents(chunks) {
  for (const chunk of chunks) {
    yield { AudioEvent: { AudioChunk: chunk } };
  }
}
