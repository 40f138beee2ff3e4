// Word-timed playback on a saved dictation: a click on a word plays the recording from it, and while
// the recording plays the word being spoken is marked. All in the browser: no circuit round trip.
const bound = new WeakSet();

export function attach(container, audio) {
  if (!container || !audio || bound.has(container)) return;
  bound.add(container);
  const words = [...container.querySelectorAll('[data-start]')];
  container.addEventListener('click', async (event) => {
    const word = event.target.closest('[data-start]');
    if (!word) return;
    audio.currentTime = parseFloat(word.dataset.start);
    try { await audio.play(); } catch { /* the user can press play */ }
  });
  let current = null;
  const mark = () => {
    const t = audio.currentTime;
    const next = words.find(w => t >= parseFloat(w.dataset.start) && t < parseFloat(w.dataset.end)) || null;
    if (next === current) return;
    current?.classList.remove('seva-word-current');
    next?.classList.add('seva-word-current');
    current = next;
  };
  audio.addEventListener('timeupdate', mark);
  audio.addEventListener('seeked', mark);
}
