import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { api } from '../../functions/api/fixture'
import { dynamoStores } from '../../lib/adapters/dynamo'
import { EnvKeys } from '../../lib/config'
import type { Stores } from '../../lib/ports'
import { root } from '../../test/e2e/stack'
import { type LocalServices, localServices } from '../../test/local-services'

/**
 * Issue 15: the first admin key on AWS. `npm run admin -- --prefix <p>` as an operator runs it, against DynamoDB
 * Local (DYNAMO_ENDPOINT) instead of AWS: the key it prints opens the admin API, and only its hash is stored.
 */
let svc: LocalServices
let stores: Stores
beforeAll(async () => {
  svc = await localServices()
  stores = dynamoStores(svc.db, svc.config.tables)
})

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/admin/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, [EnvKeys.dynamoEndpoint]: inject('dynamoEndpoint'), AWS_REGION: 'us-east-1' },
  })

describe('npm run admin', () => {
  it('prints a key once that the API accepts as admin, and stores only its hash', async () => {
    const { stdout } = await run(['--prefix', svc.prefix, '--name', 'ops on call'])
    const key = stdout.trim().split('\n').at(-1)!
    expect(key).toMatch(/^smpp_[A-Za-z0-9_-]{43}$/)
    const { call } = api(stores)
    const me = await call('/me', key)
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ role: 'admin' })
    expect((await call('/accounts', key)).status).toBe(200)
    expect(await stores.reference.apiKey(key)).toBeUndefined() // looked up by sha256, never by the key itself
  }, 60_000)

  it('refuses to run without a prefix', async () => {
    await expect(run([])).rejects.toMatchObject({ code: 2 })
  }, 60_000)
})
