// "Did you mean": the closest known name to a typo, so `option priorty` is caught with its fix.

// Two rows reused by every call: suggestions run for each unknown keyword of a file against a hundred or more
// candidates, and a full table allocated per candidate made them 12% of the import fuzzing's time (now about 1%).
let previousRow = new Int32Array(64);
let currentRow = new Int32Array(64);

/**
 * The Levenshtein distance of a and b when it is at most `limit`, else some number above `limit`. Only the band of
 * cells within `limit` of the diagonal can lead to a distance within the limit, so only those are computed
 * (cells outside count as limit + 1), and the work stops as soon as a whole row is above the limit.
 */
function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (b.length + 1 > previousRow.length) {
    previousRow = new Int32Array(2 * (b.length + 1));
    currentRow = new Int32Array(2 * (b.length + 1));
  }
  const over = limit + 1;
  let prev = previousRow;
  let row = currentRow;
  for (let j = 0; j <= b.length; j++) prev[j] = j <= limit ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    row[0] = i <= limit ? i : over;
    if (from > 1) row[from - 1] = over;
    let rowMin = row[0] ?? over;
    const ai = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const cost = ai === b.charCodeAt(j - 1) ? 0 : 1;
      const d = Math.min((prev[j] ?? over) + 1, (row[j - 1] ?? over) + 1, (prev[j - 1] ?? over) + cost, over);
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (to < b.length) row[to + 1] = over;
    if (rowMin > limit) return over;
    [prev, row] = [row, prev];
  }
  return Math.min(prev[b.length] ?? over, over);
}

/** The best candidate within a third of the word's length (at least 1, at most 3 edits), if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    // Only a strictly closer candidate replaces the best, so the bound can shrink as better ones are found.
    const d = boundedDistance(lower, candidate.toLowerCase(), bestDistance - 1);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      if (d === 0) break;
    }
  }
  return best;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = closest(word, candidates);
  return best === undefined ? "" : ` (did you mean '${best}'?)`;
}
