// Keeps a transcript box scrolled to its newest text, unless the reader has scrolled up to read.
const followed = new WeakSet();

export function follow(element) {
  if (!element) return;
  if (!followed.has(element)) {
    followed.add(element);
    element.dataset.stick = 'true';
    element.addEventListener('scroll', () => {
      const nearBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
      element.dataset.stick = nearBottom ? 'true' : 'false';
    });
  }
  if (element.dataset.stick === 'true') {
    element.scrollTop = element.scrollHeight;
  }
}

export async function copy(text) {
  await navigator.clipboard.writeText(text);
}
