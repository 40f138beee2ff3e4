// Plays the spoken translation a listener receives: each utterance is queued after the previous one.
let ctx = null;
let next = 0;
let paused = false;

export async function unlock() {
  // Browsers start audio only after a user gesture: called from the Join click.
  ctx = ctx || new AudioContext();
  if (ctx.state === 'suspended' && !paused) await ctx.resume();
}

export async function play(pcm, sampleRate) {
  if (paused) return;
  ctx = ctx || new AudioContext();
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.byteLength / 2));
  const buffer = ctx.createBuffer(1, samples.length, sampleRate);
  const channel = buffer.getChannelData(0);
  for (let i = 0; i < samples.length; i++) channel[i] = samples[i] / 32768;
  const source = ctx.createBufferSource();
  source.buffer = buffer;
  source.connect(ctx.destination);
  const at = Math.max(ctx.currentTime, next);
  source.start(at);
  next = at + buffer.duration;
}

export async function setPaused(value) {
  paused = value;
  if (!ctx) return;
  if (value) await ctx.suspend(); else await ctx.resume();
}
