// Plays the spoken translation a listener receives: each utterance is queued after the previous one.
let ctx = null;
let next = 0;
let paused = false;
let buffers = 0;
let seconds = 0;

export async function unlock() {
  // Browsers start audio only after a user gesture: called from the Join click.
  ctx = ctx || new AudioContext();
  if (ctx.state === 'suspended' && !paused) await ctx.resume();
}

// pcm: 16-bit little-endian mono samples, as a Uint8Array. Blazor hands byte arrays over as views into
// its message buffer, at any byte offset (odd ones too), so the samples are read through a DataView,
// which needs no alignment, rather than an Int16Array over the same buffer, which does.
// status: an element that gets data-buffers and data-seconds, what has been scheduled so far.
export async function play(pcm, sampleRate, status) {
  if (paused) return;
  ctx = ctx || new AudioContext();
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const count = Math.floor(pcm.byteLength / 2);
  if (count === 0) return;
  const buffer = ctx.createBuffer(1, count, sampleRate);
  const channel = buffer.getChannelData(0);
  for (let i = 0; i < count; i++) channel[i] = view.getInt16(i * 2, true) / 32768;
  const source = ctx.createBufferSource();
  source.buffer = buffer;
  source.connect(ctx.destination);
  const at = Math.max(ctx.currentTime, next);
  source.start(at);
  next = at + buffer.duration;
  buffers++;
  seconds += buffer.duration;
  if (status) {
    status.dataset.buffers = String(buffers);
    status.dataset.seconds = seconds.toFixed(2);
  }
}

export async function setPaused(value) {
  paused = value;
  if (!ctx) return;
  if (value) await ctx.suspend(); else await ctx.resume();
}
