import { pathToFileURL } from 'node:url'
import { CreateTableCommand } from '@aws-sdk/client-dynamodb'
import { localDynamoClient } from '../infra/local/clients'
import { startDynamo } from '../infra/local/dynamo'
import { createTableInput } from '../infra/local/provision'
import { dynamoStores } from '../lib/adapters/dynamo'
import { queryDue } from '../lib/adapters/dynamo/due'
import { physicalName, Tables } from '../lib/resources'
import { TicksPerSec, ticksOf } from './proc-cpu'

/**
 * What DynamoDB Local's JVM burns by itself and per kind of idle request (issue 12's idle budget), in phases of
 * `--seconds` each: quiet (no request at all), the local due sweep's four byDue Queries once a second
 * (lib/adapters/dynamo/due.ts), the node's liveness beat and registry read every 2 s (smpp-node/node/liveness.ts).
 * JAVA_TOOL_OPTIONS in the env reaches the JVM (startDynamo's `jvmOptions` uses the same variable):
 *
 *   npx tsx bench/idle-jvm.ts --seconds=20
 *   JAVA_TOOL_OPTIONS='-XX:+UseSerialGC -XX:TieredStopAtLevel=1' npx tsx bench/idle-jvm.ts
 */
const prefix = 'idlejvm'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function main() {
  const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 20)
  const dynamo = await startDynamo()
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
      let requests = 0
      while (performance.now() - started < seconds * 1_000) {
        if (request) {
          await request()
          requests++
        }
        await sleep(everyMs)
      }
      const sec = (performance.now() - started) / 1000
      const perSec = (ticksOf(pid) - t0) / sec
      return { phase: name, requestsPerSec: Math.round((requests / sec) * 10) / 10, ticksPerSec: Math.round(perSec * 10) / 10 }
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
    console.table(rows)
    console.log(`JAVA_TOOL_OPTIONS=${process.env.JAVA_TOOL_OPTIONS ?? ''}; ${TicksPerSec} ticks/s = one core`)
    console.log(JSON.stringify({ javaToolOptions: process.env.JAVA_TOOL_OPTIONS ?? '', seconds, rows }))
  } finally {
    db.destroy()
    await dynamo.stop()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
}
