// Converts microphone audio to 16-bit PCM at the session's rate, in chunks of about 250 ms, and
// reports the input level. Runs on the audio rendering thread: no allocation per block beyond the
// chunk handed to the main thread.
class SevaPcmCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.ratio = sampleRate / o.targetRate;          // input samples per output sample
    this.chunk = Math.round(o.targetRate * o.chunkMs / 1000);
    this.out = new Int16Array(this.chunk);
    this.n = 0;
    this.next = this.ratio;                          // input position of the next output sample
    this.position = 0;                               // input samples seen
    this.acc = 0; this.accN = 0;                     // box filter when decimating
    this.prev = 0;                                   // previous input when interpolating
    this.levelSum = 0; this.levelN = 0;
    this.levelEvery = Math.round(sampleRate / 20);   // 20 level readings a second
    this.port.onmessage = (e) => {
      if (e.data.type === 'flush') {
        this.emit();
        this.port.postMessage({ type: 'flushed' });
      }
    };
  }

  push(value) {
    const v = Math.max(-1, Math.min(1, value));
    this.out[this.n++] = v < 0 ? v * 0x8000 : v * 0x7fff;
    if (this.n === this.chunk) this.emit();
  }

  emit() {
    if (this.n === 0) return;
    const pcm = this.out.slice(0, this.n);
    this.port.postMessage({ type: 'chunk', pcm: pcm.buffer }, [pcm.buffer]);
    this.n = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const x = input[0];
    for (let i = 0; i < x.length; i++) {
      const s = x[i];
      this.levelSum += s * s; this.levelN++;
      if (this.levelN >= this.levelEvery) {
        this.port.postMessage({ type: 'level', rms: Math.sqrt(this.levelSum / this.levelN) });
        this.levelSum = 0; this.levelN = 0;
      }
      this.position++;
      if (this.ratio >= 1) {
        // Decimate: average the input samples that fall into each output sample.
        this.acc += s; this.accN++;
        if (this.position >= this.next) {
          this.push(this.acc / this.accN);
          this.acc = 0; this.accN = 0;
          this.next += this.ratio;
        }
      } else {
        // Interpolate linearly between the previous and this input sample.
        while (this.next <= this.position) {
          const t = this.next - (this.position - 1);
          this.push(this.prev + (s - this.prev) * t);
          this.next += this.ratio;
        }
        this.prev = s;
      }
    }
    return true;
  }
}

registerProcessor('seva-pcm-capture', SevaPcmCapture);
