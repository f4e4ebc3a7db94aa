import { describe, expect, it } from 'vitest'
import { localServices } from '../../../test/local-services'
import { encodeCursor, InvalidCursor } from '../keys'
import { dynamoStores } from '.'

// A cursor that decodes but names another key schema is the caller's mistake (a 400 in the API), not a 500.
describe('queryPage on DynamoDB Local', () => {
  it('turns a cursor of another key schema into InvalidCursor', async () => {
    const { db, config } = await localServices()
    const stores = dynamoStores(db, config.tables)
    const foreign = encodeCursor({ someOtherKey: { S: 'x' } })
    await expect(stores.messages.listByAccount('acme', '2026-01-01', '2026-12-31', 10, foreign)).rejects.toBeInstanceOf(InvalidCursor)
    await expect(stores.messages.listByAccount('acme', '2026-01-01', '2026-12-31', 10)).resolves.toEqual({ items: [] })
  })
})
