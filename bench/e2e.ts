import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { localDynamoClient } from '../infra/local/clients'
import type { MeterCounts } from '../lib/adapters/aws/meter'
import { FlushMs } from '../lib/adapters/aws/meter'
import { type Stack, startStack } from '../test/e2e/stack'
import { type LoadFigures, load, receiptLatency } from './e2e-load'
import { connectEsme, type Esme } from './esme'
import { readCounts, spent } from './meter-files'
import { type NaiveFigures, naiveCharge } from './naive-charge'
import { costPer1M } from './prices'
import { type IdleFigures, idleCpu, JvmPart, partOf, TicksPerSec, ticksOf } from './proc-cpu'
import { runAsScript } from './script'
import { percentile, round } from './stats'

/**
 * End to end through the local stack (`infra/local/main.ts --in-memory` on free ports: the node, DynamoDB
 * Local, the SQS server, the Lambda host, the carrier simulator with its receipt delay set to
 * `carrierDelayMs`), in one run:
 *
 *   idle: CPU ticks per second and RSS summed over the stack's processes, `idleMs` with no traffic;
 *   naive: DynamoDB Local's rate of per-message charge transactions on one account item (bench/naive-charge.ts);
 *   receipt latency: submit_sm -> receipt deliver_sm on a quiet stack, `receiptWindow` outstanding;
 *   one account: the demo account (synchronous verdicts: submit_sm_resp once the charge is committed),
 *     `sessions` transceivers x `window`, distinct texts, registered_delivery 1; what the stack spent meanwhile
 *     (DynamoDB units, SQS requests, Lambda invocations: lib/adapters/aws/meter.ts), per accepted message;
 *   many accounts: `accounts` accounts created over the admin API, one transceiver each, the same total window.
 */
export interface BenchE2eOptions {
  idleMs?: number
  naiveMs?: number
  receiptMessages?: number
  receiptWindow?: number
  sessions?: number
  window?: number
  messages?: number
  durationMs?: number
  accounts?: number
  carrierDelayMs?: number
}

export interface E2eFigures {
  stackStartSec: number
  idle: IdleFigures
  naive: NaiveFigures
  receipt: { messages: number; received: number; carrierDelayMs: number; p50Ms: number; p99Ms: number; netP50Ms: number; netP99Ms: number }
  oneAccount: LoadFigures
  manyAccounts: LoadFigures & { accounts: number }
  /** What the one-account run spent, per accepted message with its receipt. */
  perMessage: {
    ddbWriteUnits: number
    ddbReadUnits: number
    sqsRequests: number
    lambdaInvocations: number
    sqsByAction: string
    ddbWriteByOp: string
    /** DynamoDB requests (a batch or a transaction is one), and by operation and table. */
    ddbRequests: number
    ddbRequestsByOp: string
    /** CPU of DynamoDB Local's JVM, ms: what bounds the local stack (docs/PERFORMANCE.md). */
    ddbLocalCpuMs: number
  }
  cost: ReturnType<typeof costPer1M>
}

const ReceiptTo = '447700900123' // an ordinary number: the simulator answers DELIVRD
const BenchPassword = 'benchpw'

async function seedAccounts(stack: Stack, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `bench${i + 1}`)
  for (const accountId of ids) {
    // The demo account's tariff plan (a catch-all price) and its limits; a large balance.
    const created = await stack.api('POST', '/accounts', {
      accountId,
      password: BenchPassword,
      speed: 1_000,
      sessionLimit: 4,
      duplicateWindowSec: 5,
      refusalMode: 'sync',
      tariffPlan: 'demo',
    })
    if (created.status !== 201) throw new Error(`account ${accountId}: ${created.status} ${JSON.stringify(created.body)}`)
    const credit = await stack.api('POST', `/accounts/${accountId}/credits`, { amount: 100_000_000 }, undefined, {
      'idempotency-key': `bench-${accountId}`,
    })
    if (credit.status !== 201) throw new Error(`credit ${accountId}: ${credit.status} ${JSON.stringify(credit.body)}`)
  }
  return ids
}

/** The counts once every process has flushed what it counted. */
async function settledCounts(dir: string): Promise<MeterCounts> {
  await new Promise((r) => setTimeout(r, FlushMs * 4))
  return readCounts(dir)
}

export async function benchE2e(opts: BenchE2eOptions = {}): Promise<E2eFigures> {
  const o = {
    idleMs: 30_000,
    naiveMs: 10_000,
    receiptMessages: 40,
    receiptWindow: 4,
    sessions: 2,
    window: 20,
    messages: 6_000,
    durationMs: 20_000,
    accounts: 8,
    carrierDelayMs: 50,
    ...opts,
  }
  const meterDir = mkdtempSync(join(tmpdir(), 'bench-meter-'))
  const started = performance.now()
  const stack = await startStack({ METER_DIR: meterDir, SIMULATOR_RECEIPT_DELAY_MS: String(o.carrierDelayMs) })
  const stackStartSec = round((performance.now() - started) / 1000, 1)
  const esmes: Esme[] = []
  try {
    const dynamoEndpoint = /DynamoDB (http:\/\/\S+)/.exec(stack.output())?.[1]
    if (!dynamoEndpoint) throw new Error('the stack did not print its DynamoDB endpoint')
    // One session during the receipt phase: the node spreads receipts over the account's receiver sessions.
    esmes.push(await connectEsme(stack.ports.smpp, 'demo', 'demopass'))
    // Warm-up: the first messages pay for cold Lambda handlers and SDK connections.
    await receiptLatency(esmes[0], ReceiptTo, 5, 1, 60_000)
    const idle = await idleCpu(() => [stack.proc.pid ?? 0, ...stack.descendants()], o.idleMs)
    const naive = await naiveCharge(localDynamoClient(dynamoEndpoint), { concurrency: 32, durationMs: o.naiveMs })
    const lat = await receiptLatency(esmes[0], ReceiptTo, o.receiptMessages, o.receiptWindow, 60_000)

    while (esmes.length < o.sessions) esmes.push(await connectEsme(stack.ports.smpp, 'demo', 'demopass'))
    const before = await settledCounts(meterDir)
    const jvm = stack.descendants().filter((p) => partOf(p) === JvmPart)
    const jvmTicks = () => jvm.reduce((sum, p) => sum + ticksOf(p), 0)
    const jvmBefore = jvmTicks()
    const oneAccount = await load(esmes, ReceiptTo, o.window, o.messages, o.durationMs)
    const used = spent(await settledCounts(meterDir), before)
    const jvmMs = ((jvmTicks() - jvmBefore) * 1000) / TicksPerSec

    const ids = await seedAccounts(stack, o.accounts)
    const many: Esme[] = []
    for (const id of ids) many.push(await connectEsme(stack.ports.smpp, id, BenchPassword))
    esmes.push(...many)
    const perSession = Math.max(1, Math.round((o.sessions * o.window) / o.accounts))
    const manyAccounts = { accounts: o.accounts, ...(await load(many, ReceiptTo, perSession, o.messages, o.durationMs)) }

    const per = (n: number) => round(n / Math.max(1, oneAccount.accepted), 3)
    // Largest first; table names without the stack's prefix (`smpp-local-guards` reads `guards`).
    const byOp = (counts: Record<string, number>) =>
      Object.entries(counts)
        .sort(([, a], [, b]) => b - a)
        .map(([k, v]) => `${k.replace(/ \S*?-(\w+)$/, ' $1')} ${per(v)}`)
        .join(', ')
    const perMessage = {
      ddbWriteUnits: per(used.ddbWriteUnits),
      ddbReadUnits: per(used.ddbReadUnits),
      sqsRequests: per(used.sqsRequests),
      lambdaInvocations: per(used.lambdaInvocations),
      sqsByAction: Object.entries(used.sqsByAction)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k} ${per(v)}`)
        .join(', '),
      ddbWriteByOp: byOp(used.ddbWriteByOp),
      ddbRequests: per(used.ddbRequests),
      ddbRequestsByOp: byOp(used.ddbRequestsByOp),
      ddbLocalCpuMs: per(jvmMs),
    }
    return {
      stackStartSec,
      idle,
      naive,
      receipt: {
        messages: o.receiptMessages,
        received: lat.length,
        carrierDelayMs: o.carrierDelayMs,
        p50Ms: round(percentile(lat, 50)),
        p99Ms: round(percentile(lat, 99)),
        netP50Ms: round(percentile(lat, 50) - o.carrierDelayMs),
        netP99Ms: round(percentile(lat, 99) - o.carrierDelayMs),
      },
      oneAccount,
      manyAccounts,
      perMessage,
      cost: costPer1M(perMessage),
    }
  } finally {
    for (const e of esmes) e.close()
    await stack.stop()
    rmSync(meterDir, { recursive: true, force: true })
  }
}

// `tsx bench/e2e.ts` runs it alone and prints the figures as one JSON line.
runAsScript(import.meta.url, benchE2e, (f) => console.log(JSON.stringify(f)))
