import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb'

/**
 * The write units AWS bills for a TransactWriteItems (DynamoDB developer guide, "Capacity management for
 * transactions"): 2 per item per started KB of that item. DynamoDB Local reports about 2 units per TABLE
 * whatever the number of items, so the meter computes them itself from the request (issue 12).
 *
 * Size: attribute names plus values (DynamoDB developer guide, "Item sizes": strings and binaries by their
 * UTF-8 / raw length, numbers at most 21 bytes, about 1 byte per 2 digits + 1, lists and maps 3 bytes plus
 * their elements). For a Put the item is the request's; for an Update, a Delete or a ConditionCheck AWS bills
 * the larger of the item before and after, which the request does not show: counted as its key and values,
 * so as 1 KB for the small items the pipeline updates in a transaction (shards, usage rows): a lower bound.
 */
export function transactWriteUnits(items: TransactWriteItem[]): Map<string, number> {
  const byTable = new Map<string, number>()
  for (const t of items) {
    const op = t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck
    if (!op?.TableName) continue
    const attrs = t.Put ? t.Put.Item : { ...(t.Update ?? t.Delete ?? t.ConditionCheck)?.Key, ...t.Update?.ExpressionAttributeValues }
    const units = 2 * Math.max(1, Math.ceil(itemBytes(attrs ?? {}) / 1024))
    byTable.set(op.TableName, (byTable.get(op.TableName) ?? 0) + units)
  }
  return byTable
}

export const itemBytes = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((n, [name, v]) => n + Buffer.byteLength(name) + valueBytes(v), 0)

function valueBytes(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S)
  if (v.N !== undefined) return Math.min(21, Math.ceil(v.N.replace(/[-.]/g, '').replace(/^0+/, '').length / 2) + 1)
  if (v.B !== undefined) return v.B.length
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1
  if (v.SS) return v.SS.reduce((n, s) => n + Buffer.byteLength(s), 0)
  if (v.NS) return v.NS.reduce((n, s) => n + valueBytes({ N: s }), 0)
  if (v.L) return 3 + v.L.reduce((n, e) => n + 1 + valueBytes(e), 0)
  if (v.M) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + valueBytes(e), 0)
  return 0
}
