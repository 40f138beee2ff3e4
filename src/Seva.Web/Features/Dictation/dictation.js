// Microphone capture for the dictation page: getUserMedia, an AudioWorklet that makes 16-bit PCM at
// the session's rate, and chunks sent to .NET over the Blazor circuit as byte[].
let ctx = null;
let stream = null;
let node = null;
// Every chunk stays queued until .NET has taken it: a send that fails or hangs (the circuit dropped)
// is tried again with backoff, and the server drops what it already has by offset, so a network drop
// loses nothing and duplicates nothing. Up to MAX_QUEUED_BYTES (a few minutes) wait meanwhile.
const RETRY_DELAYS_MS = [1000, 2000, 4000];
const SEND_TIMEOUT_MS = 5000;
const MAX_QUEUED_BYTES = 32 * 1024 * 1024;
let queue = [];
let queuedBytes = 0;
let nextOffset = 0;
let pumping = null;
let link = null;
let target = null;

export function supported() {
  return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.AudioContext && window.AudioWorkletNode);
}

function fail(code, detail) {
  const error = new Error(code + (detail ? ': ' + detail : ''));
  error.name = code;
  return error;
}

function showLink(reconnecting) {
  if (!link) return;
  link.hidden = !reconnecting;
  const status = document.querySelector('[data-testid=status]');
  if (status) status.hidden = reconnecting;
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

function enqueue(bytes) {
  if (queuedBytes + bytes.length > MAX_QUEUED_BYTES) {
    // Never silently: the page says audio is being lost and why.
    if (link) { link.hidden = false; link.textContent = 'connection lost too long: audio is not being kept'; }
    return;
  }
  queue.push({ offset: nextOffset, bytes });
  nextOffset += bytes.length;
  queuedBytes += bytes.length;
  pumping ??= pump().finally(() => { pumping = null; if (queue.length) pumping = pump(); });
}

async function pump() {
  let failures = 0;
  while (queue.length) {
    const chunk = queue[0];
    try {
      await withTimeout(target.invokeMethodAsync('OnAudio', chunk.bytes, chunk.offset), SEND_TIMEOUT_MS);
      queue.shift();
      queuedBytes -= chunk.bytes.length;
      if (failures) { failures = 0; showLink(false); }
    } catch {
      showLink(true);
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)]));
      failures++;
    }
  }
}

export async function start(dotnet, targetRate, chunkMs, levelElementId, linkElementId) {
  if (!supported()) throw fail('UNSUPPORTED_BROWSER');
  target = dotnet;
  queue = []; queuedBytes = 0; nextOffset = 0;
  link = linkElementId ? document.getElementById(linkElementId) : null;
  showLink(false);
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
  } catch (e) {
    throw fail(e && (e.name === 'NotAllowedError' || e.name === 'SecurityError') ? 'MICROPHONE_ACCESS_DENIED' : 'AUDIO_CAPTURE_FAILED', e && e.message);
  }
  try {
    // Ask for the session's rate so the browser resamples well; some browsers refuse and run at the
    // device rate (often 44.1 or 48 kHz), and the worklet converts.
    try { ctx = new AudioContext({ sampleRate: targetRate }); } catch { ctx = new AudioContext(); }
    await ctx.audioWorklet.addModule(new URL('./audio-worklet.js', import.meta.url));
    node = new AudioWorkletNode(ctx, 'seva-pcm-capture', { processorOptions: { targetRate, chunkMs } });
    const level = document.getElementById(levelElementId);
    node.port.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'chunk') {
        enqueue(new Uint8Array(m.pcm));
      } else if (m.type === 'level' && level) {
        level.style.width = Math.min(100, Math.round(m.rms * 300)) + '%';
      }
    };
    const source = ctx.createMediaStreamSource(stream);
    const silent = ctx.createGain();
    silent.gain.value = 0; // keep the graph pulled without playing the microphone back
    source.connect(node);
    node.connect(silent);
    silent.connect(ctx.destination);
    if (ctx.state === 'suspended') await ctx.resume();
    return ctx.sampleRate;
  } catch (e) {
    await release();
    throw fail('AUDIO_CAPTURE_FAILED', e && e.message);
  }
}

// Sends what the worklet still holds, waits until every chunk reached .NET, then releases the microphone.
export async function stop() {
  if (node) {
    const flushed = new Promise((resolve) => {
      const previous = node.port.onmessage;
      node.port.onmessage = (e) => { previous(e); if (e.data.type === 'flushed') resolve(); };
      setTimeout(resolve, 1000);
    });
    node.port.postMessage({ type: 'flush' });
    await flushed;
  }
  while (pumping) await pumping;
  await release();
}

async function release() {
  if (stream) stream.getTracks().forEach((t) => t.stop());
  if (ctx) await ctx.close().catch(() => {});
  ctx = null; stream = null; node = null;
}
