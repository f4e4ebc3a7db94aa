import { CreateTableCommand } from '@aws-sdk/client-dynamodb'
import { localDynamoClient } from '../infra/local/clients'
import { DynamoDBJavaOpts, startDynamo } from '../infra/local/dynamo'
import { createTableInput } from '../infra/local/provision'
import { dynamoStores } from '../lib/adapters/dynamo'
import { queryDue } from '../lib/adapters/dynamo/due'
import { physicalName, Tables } from '../lib/resources'
import { naiveCharge } from './naive-charge'
import { TicksPerSec, ticksOf } from './proc-cpu'
import { runAsScript } from './script'

/**
 * What DynamoDB Local's JVM burns by itself and per kind of idle request (issue 12's idle budget), in phases of
 * `--seconds` each: quiet (no request at all), the local due sweep's four byDue Queries once a second
 * (lib/adapters/dynamo/due.ts), the node's liveness beat and registry read every 2 s (smpp-node/node/liveness.ts).
 * Then the e2e bench's naive charge rate on the same JVM (bench/naive-charge.ts, 10 s), so a JVM flag that saves idle
 * CPU shows what it costs in throughput. The JVM gets DYNAMO_JAVA_OPTS, as in `npm start` (infra/local/dynamo.ts):
 *
 *   npx tsx bench/idle-jvm.ts --seconds=20                          the stack's default flags (C1 only)
 *   DYNAMO_JAVA_OPTS=' ' npx tsx bench/idle-jvm.ts --seconds=20     the JVM's own defaults (full tiered JIT)
 */
const prefix = 'idlejvm'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function main() {
  const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 20)
  const javaOpts = process.env.DYNAMO_JAVA_OPTS
  const dynamo = await startDynamo({ javaOpts: javaOpts?.trim() === '' ? '' : javaOpts })
  const db = localDynamoClient(dynamo.endpoint)
  const pid = dynamo.process.pid ?? 0
  try {
    const tables = Object.fromEntries(Object.entries(Tables).map(([k, def]) => [k, physicalName(prefix, def.name)])) as Record<
      keyof typeof Tables,
      string
    >
    for (const [k, name] of Object.entries(tables))
      await db.send(new CreateTableCommand(createTableInput(Tables[k as keyof typeof Tables], name)))
    const stores = dynamoStores(db, tables)
    await sleep(5_000) // start-up's JIT and GC settle

    /** Ticks/s of the JVM over one phase, while `every` runs `request` on its cadence (bounded by the phase). */
    const phase = async (name: string, everyMs: number, request?: () => Promise<unknown>) => {
      const t0 = ticksOf(pid)
      const started = performance.now()
      let requests = 0 // rounds of `request`: four Queries a round for the sweep, a Put and a Query for the beat
      while (performance.now() - started < seconds * 1_000) {
        if (request) {
          await request()
          requests++
        }
        await sleep(everyMs)
      }
      const sec = (performance.now() - started) / 1000
      const perSec = (ticksOf(pid) - t0) / sec
      return { phase: name, roundsPerSec: Math.round((requests / sec) * 10) / 10, ticksPerSec: Math.round(perSec * 10) / 10 }
    }
    const now = Date.now()
    const rows = [
      await phase('quiet', 1_000),
      await phase('due sweep: 4 byDue queries every 1 s', 1_000, () => queryDue(db, tables.messages, new Date().toISOString(), 100)),
      await phase('liveness: beat + list every 2 s', 2_000, async () => {
        await stores.nodes.beat({ nodeId: 'n', incarnation: 'n#1', callbackQueueUrl: 'q', aliveUntilMs: now + 600_000, beatMs: 2_000 })
        await stores.nodes.list()
      }),
      await phase('quiet again', 1_000),
    ]
    const naive = await naiveCharge(db, { concurrency: 32, durationMs: 10_000 })
    const flags = javaOpts === undefined ? `${DynamoDBJavaOpts} (default)` : javaOpts
    console.table(rows)
    console.log(`JVM flags: ${flags}; ${TicksPerSec} ticks/s = one core; naive charges/s ${naive.chargesPerSec}`)
    console.log(JSON.stringify({ javaOpts: flags, seconds, rows, naive }))
  } finally {
    db.destroy()
    await dynamo.stop()
  }
}

runAsScript(import.meta.url, main)
