/** Terminal lines a text takes when wrapped at word boundaries to `columns` (words longer than a line are broken). */
export function wrappedHeight(text: string, columns: number): number {
  const width = Math.max(1, columns);
  let lines = 0;
  for (const paragraph of text.split('\n')) {
    let used = 0;
    let count = 1;
    for (const word of paragraph.split(' ')) {
      const need = used === 0 ? word.length : used + 1 + word.length;
      if (need <= width) used = need;
      else if (word.length <= width) {
        count++;
        used = word.length;
      } else {
        // A word longer than a line starts on a fresh line and is broken.
        if (used > 0) count++;
        count += Math.ceil(word.length / width) - 1;
        used = word.length % width || width;
      }
    }
    lines += count;
  }
  return lines;
}
