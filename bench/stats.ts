/** Nearest-rank percentile of an ascending array (0 when empty). */
export const percentile = (sorted: ArrayLike<number>, p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits
