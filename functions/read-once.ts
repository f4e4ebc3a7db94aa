/**
 * One read per key for the length of one Lambda batch (issue 12: a batch's DynamoDB work is shared): the
 * first caller's read serves the others. A failed read is not kept, so the next record tries again.
 */
export function readOnce<T>(): (key: string, read: () => Promise<T>) => Promise<T> {
  const cache = new Map<string, Promise<T>>()
  return (key, read) => {
    let p = cache.get(key)
    if (!p) {
      p = read()
      p.catch(() => cache.delete(key))
      cache.set(key, p)
    }
    return p
  }
}
