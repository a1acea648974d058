/**
 * "Did you mean ...?" for a misspelt command or flag: the closest known word by edit distance,
 * when it is close enough to be a likely typo (or the typed word is a prefix of it).
 */

/** Levenshtein distance with adjacent transpositions counted as one edit (Damerau, restricted). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The known word the typed one most likely meant, or null when none is close. */
export function closest(typed: string, known: readonly string[]): string | null {
  const t = typed.toLowerCase();
  let best: { word: string; distance: number } | null = null;
  for (const word of known) {
    const w = word.toLowerCase();
    const distance = w.startsWith(t) && t.length >= 3 ? 0.5 : editDistance(t, w);
    if (!best || distance < best.distance) best = { word, distance };
  }
  if (!best) return null;
  // One edit in short words, up to a third of the word in longer ones.
  const allowed = Math.max(1, Math.floor(Math.max(t.length, best.word.length) / 3));
  return best.distance <= allowed ? best.word : null;
}
