import { parseArgs } from 'node:util'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { EnvKeys } from '../../lib/config'
import { physicalName, type TableName, Tables } from '../../lib/resources'
import { mintAdminKey } from './first-key'

/**
 * `npm run admin -- --prefix smpp-dev [--name "first admin"] [--region eu-west-1]`: writes an admin API key into the
 * deployed stack's reference table with the operator's own AWS credentials, and prints the key once. Run it after
 * the first `cdk deploy` (the stack output Prefix names the prefix), and again to mint a key for each operator or a
 * rotation (revoke old ones with DELETE /admin/api-keys). DYNAMO_ENDPOINT points it at DynamoDB Local.
 */
const { values } = parseArgs({
  options: { prefix: { type: 'string' }, name: { type: 'string' }, region: { type: 'string' } },
})
if (!values.prefix) {
  console.error('usage: npm run admin -- --prefix <stack output Prefix, e.g. smpp-dev> [--name <who>] [--region <region>]')
  process.exit(2)
}
const tables = Object.fromEntries(
  (Object.keys(Tables) as TableName[]).map((t) => [t, physicalName(values.prefix!, Tables[t].name)]),
) as Record<TableName, string>
const db = new DynamoDBClient({ region: values.region, endpoint: process.env[EnvKeys.dynamoEndpoint] })
const key = await mintAdminKey(dynamoStores(db, tables).reference, { name: values.name ?? 'first admin (npm run admin)', now: new Date() })
console.log(`admin API key for ${values.prefix} (shown once; store it in your password manager):\n${key}`)
