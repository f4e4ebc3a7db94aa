/**
 * Page cursors are opaque to callers: base64url JSON of where to resume (DynamoDB's LastEvaluatedKey,
 * the memory adapters' sort key, or the API's scoped wrapper around either). One encoding for all of
 * them, and one error when a cursor cannot be read, which the API answers 400 invalid_cursor.
 */
export class InvalidCursor extends RangeError {
  constructor() {
    super('invalid pagination cursor')
    this.name = 'InvalidCursor'
  }
}

export const encodeCursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url')

/** The object a cursor holds; undefined for none; InvalidCursor for anything else. */
export function decodeCursor<T extends object>(cursor: string | undefined): T | undefined {
  if (cursor === undefined || cursor === '') return undefined
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursor()
  }
  if (key === null || typeof key !== 'object') throw new InvalidCursor()
  return key as T
}
