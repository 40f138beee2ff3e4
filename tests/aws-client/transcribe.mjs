// Drives the real @aws-sdk/client-transcribe-streaming against a running Seva, written as an AWS sample
// is (only the endpoint and the credentials point at Seva), and prints one JSON line: what send() resolved
// to, each event the SDK yielded, or the error it threw (name, message, $fault, HTTP status).
// Usage: node transcribe.mjs <scenario.json>, where the scenario is
//   { "endpoint": "http://127.0.0.1:5001", "transport": "http2" | "websocket", "operation": "standard" | "medical",
//     "region": "us-east-1", "credentials": { "accessKeyId": "...", "secretAccessKey": "..." },
//     "sampleRate": 16000, "audioFile": "speech.raw" (16-bit little-endian mono PCM), "chunkBytes": 3200,
//     "pace": 1 (1 = as fast as it would be spoken; 0 = all at once), "stabilization": false, "sessionId": null,
//     "stallSeconds": 0 (how long to wait, sending nothing, before ending the audio stream) }
// WebSocket: the SDK always opens wss://<endpoint host>:8443/... (TLS on AWS's port). A deployment puts a TLS
// proxy there in front of Seva's port; this script stands in for it: it opens the same path and query on
// Seva's port as plain ws://, with the Host header the SDK signed, as such a proxy passes it on.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { WebSocketFetchHandler } from "@aws-sdk/middleware-websocket";
import {
  TranscribeStreamingClient,
  StartStreamTranscriptionCommand,
  StartMedicalStreamTranscriptionCommand,
} from "@aws-sdk/client-transcribe-streaming";

const scenario = JSON.parse(readFileSync(process.argv[2], "utf8"));
const pcm = readFileSync(scenario.audioFile);
const chunkBytes = scenario.chunkBytes ?? Math.round(scenario.sampleRate / 10) * 2;
const pace = scenario.pace ?? 1;

async function* audioStream() {
  for (let offset = 0; offset < pcm.length; offset += chunkBytes) {
    yield { AudioEvent: { AudioChunk: new Uint8Array(pcm.subarray(offset, offset + chunkBytes)) } };
    if (pace > 0) {
      await sleep((chunkBytes / 2 / scenario.sampleRate) * 1000 / pace);
    }
  }
  if (scenario.stallSeconds) {
    await sleep(scenario.stallSeconds * 1000);
  }
}

const config = { region: scenario.region ?? "us-east-1", credentials: scenario.credentials, maxAttempts: 1 };
if (scenario.transport === "websocket") {
  const seva = new URL(scenario.endpoint);
  // The SDK sets onmessage and onclose only once its open promise has resumed; a browser queues events as
  // tasks, so none comes before that, but ws emits a frame that came with the upgrade response at once. Events
  // before their handler wait for it here, as in a browser.
  globalThis.WebSocket = class ToSevaPort extends WebSocket {
    #handlers = {};
    #early = { message: [], close: [], error: [] };

    constructor(url) {
      const asked = new URL(url);
      super(`ws://${seva.host}${asked.pathname}${asked.search}`, { headers: { host: asked.host } });
      for (const type of Object.keys(this.#early)) {
        this.addEventListener(type, (event) => (this.#handlers[type] ? this.#handlers[type](event) : this.#early[type].push(event)));
      }
    }

    #set(type, handler) {
      this.#handlers[type] = handler;
      for (const event of this.#early[type].splice(0)) {
        handler(event);
      }
    }

    set onmessage(handler) { this.#set("message", handler); }
    get onmessage() { return this.#handlers.message; }
    set onclose(handler) { this.#set("close", handler); }
    get onclose() { return this.#handlers.close; }
    set onerror(handler) { this.#set("error", handler); }
    get onerror() { return this.#handlers.error; }
  };
  config.endpoint = `https://${seva.hostname}`;
  config.requestHandler = new WebSocketFetchHandler();
} else {
  config.endpoint = scenario.endpoint;
}

const client = new TranscribeStreamingClient(config);
const input = {
  LanguageCode: "en-US",
  MediaEncoding: "pcm",
  MediaSampleRateHertz: scenario.sampleRate,
  ...(scenario.sessionId ? { SessionId: scenario.sessionId } : {}),
  AudioStream: audioStream(),
};
const command = scenario.operation === "medical"
  ? new StartMedicalStreamTranscriptionCommand({ ...input, Specialty: "PRIMARYCARE", Type: "DICTATION" })
  : new StartStreamTranscriptionCommand({ ...input, ...(scenario.stabilization ? { EnablePartialResultsStabilization: true, PartialResultsStability: "high" } : {}) });

const result = { events: [] };
try {
  const response = await client.send(command);
  const { TranscriptResultStream, $metadata, ...output } = response;
  result.output = output;
  result.httpStatusCode = $metadata.httpStatusCode;
  result.requestId = $metadata.requestId;
  for await (const event of TranscriptResultStream) {
    result.events.push(event);
  }
} catch (error) {
  result.error = { name: error.name, message: error.message, fault: error.$fault, httpStatusCode: error.$metadata?.httpStatusCode };
} finally {
  client.destroy();
}
process.stdout.write(JSON.stringify(result) + "\n");
