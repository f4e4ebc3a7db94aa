import { type LocalServices, localServices } from '../../../test/local-services'
import { dynamoStores } from '../../adapters/dynamo'
import type { MakeStores } from './fixtures'

/** Stores over one prefixed set of tables on DynamoDB Local, created on first use and shared by the file's tests. */
export function dynamoFactory(): MakeStores {
  let services: Promise<LocalServices> | undefined
  return async ({ now }) => {
    services ??= localServices()
    const { db, config } = await services
    return dynamoStores(db, config.tables, { now, retentionDays: config.retentionDays })
  }
}
