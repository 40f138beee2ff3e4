// Shows how the real @aws-sdk/client-transcribe-streaming reads a response that Seva's code encoded.
// Usage: node read-response.mjs <scenario.json>, where the scenario is
//   { "operation": "standard" | "medical", "status": 200, "headers": { ... }, "bodyBase64": "..." }
// A local h2c server answers the SDK's StartStreamTranscription (or the medical one) with that status,
// those headers and that body (once the SDK's audio has all arrived). Prints one JSON line: what
// client.send() resolved to and each event the SDK yielded, or the error it threw (name, message, $fault,
// HTTP status) with the events yielded before it.
import { readFileSync } from "node:fs";
import {
  TranscribeStreamingClient,
  StartStreamTranscriptionCommand,
  StartMedicalStreamTranscriptionCommand,
} from "@aws-sdk/client-transcribe-streaming";
import { CREDENTIALS, REGION, startRecordingServer, pcmChunks, audioEvents } from "./lib.mjs";

const scenario = JSON.parse(readFileSync(process.argv[2], "utf8"));
const server = await startRecordingServer(
  () => Buffer.from(scenario.bodyBase64, "base64"),
  { ":status": scenario.status, ...scenario.headers },
);
const client = new TranscribeStreamingClient({ region: REGION, endpoint: server.url, credentials: CREDENTIALS, maxAttempts: 1 });
const input = { LanguageCode: "en-US", MediaEncoding: "pcm", MediaSampleRateHertz: 16000, AudioStream: audioEvents(pcmChunks([320, 320])) };
const command = scenario.operation === "medical"
  ? new StartMedicalStreamTranscriptionCommand({ ...input, Specialty: "PRIMARYCARE", Type: "DICTATION" })
  : new StartStreamTranscriptionCommand(input);

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
  server.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
