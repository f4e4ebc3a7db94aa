import { describe, expect, it } from 'vitest'
import { itemBytes, transactWriteUnits } from './transact-units'

describe('transactWriteUnits', () => {
  it('bills 2 units per item per started KB, by table, as AWS does (not per table as DynamoDB Local reports)', () => {
    const small = { pk: { S: 'DECISION#abc' }, status: { N: '0' } }
    const big = { messageId: { S: 'm1' }, text: { S: 'x'.repeat(1500) } }
    const units = transactWriteUnits([
      { Put: { TableName: 'guards', Item: small } },
      { Put: { TableName: 'guards', Item: small } },
      { Put: { TableName: 'messages', Item: big } },
      {
        Update: {
          TableName: 'usage',
          Key: { pk: { S: 'a' } },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        },
      },
    ])
    expect(Object.fromEntries(units)).toEqual({ guards: 4, messages: 4, usage: 2 })
  })

  it('sizes an item by its names and values', () => {
    expect(itemBytes({ ab: { S: 'héllo' } })).toBe(2 + 6)
    expect(itemBytes({ n: { N: '12345' } })).toBe(1 + 4)
    expect(itemBytes({ m: { M: { k: { S: 'v' } } } })).toBe(1 + 3 + 1 + 1 + 1)
  })
})
