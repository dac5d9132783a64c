/**
 * "Did you mean": the known value nearest to a mistyped one, for config messages.
 *
 * @example
 * closest("cache.t4g.mirco", CACHE_NODE_TYPES); // "cache.t4g.micro"
 */

/** Levenshtein distance (insertions, deletions, substitutions; a swap of neighbours counts 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The candidate nearest to `value` if it is within `maxDistance` edits. Ties go to the
 * longer common prefix (cache.m7.large: cache.m7g.large over cache.m4.large), then to
 * the first listed.
 */
export function closest(value: string, candidates: readonly string[], maxDistance = 3): string | undefined {
  let best: string | undefined;
  let bestScore = [maxDistance + 1, 0];
  for (const candidate of candidates) {
    const score = [editDistance(value, candidate), commonPrefixLength(value, candidate)];
    if (score[0] < bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1])) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** " (did you mean "x"?)" or "", to append to a message. */
export function didYouMean(value: string, candidates: readonly string[]): string {
  const suggestion = closest(value, candidates);
  return suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : "";
}
