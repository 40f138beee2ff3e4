// Microphone capture for the dictation page: getUserMedia, an AudioWorklet that makes 16-bit PCM at
// the session's rate, and chunks sent to .NET over the Blazor circuit as byte[].
let ctx = null;
let stream = null;
let node = null;
let lastSend = Promise.resolve();

export function supported() {
  return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.AudioContext && window.AudioWorkletNode);
}

function fail(code, detail) {
  const error = new Error(code + (detail ? ': ' + detail : ''));
  error.name = code;
  return error;
}

export async function start(dotnet, targetRate, chunkMs, levelElementId) {
  if (!supported()) throw fail('UNSUPPORTED_BROWSER');
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
        const bytes = new Uint8Array(m.pcm);
        lastSend = lastSend.then(() => dotnet.invokeMethodAsync('OnAudio', bytes)).catch(() => {});
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
  await lastSend;
  await release();
}

async function release() {
  if (stream) stream.getTracks().forEach((t) => t.stop());
  if (ctx) await ctx.close().catch(() => {});
  ctx = null; stream = null; node = null;
}
