import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { emptyCounts, type MeterCounts, sumCounts } from '../lib/adapters/aws/meter'

/** Every process's counts in `dir` (lib/adapters/aws/meter.ts writeMeterFile), added up. */
export function readCounts(dir: string): MeterCounts {
  const all: MeterCounts[] = []
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue
    try {
      all.push({ ...emptyCounts(), ...JSON.parse(readFileSync(join(dir, f), 'utf8')) })
    } catch {
      // renamed into place meanwhile: the next read has it
    }
  }
  return sumCounts(all)
}

/** What was spent between two readings. */
export function spent(after: MeterCounts, before: MeterCounts): MeterCounts {
  const d = emptyCounts()
  d.ddbReadUnits = after.ddbReadUnits - before.ddbReadUnits
  d.ddbWriteUnits = after.ddbWriteUnits - before.ddbWriteUnits
  d.ddbRequests = after.ddbRequests - before.ddbRequests
  d.sqsRequests = after.sqsRequests - before.sqsRequests
  d.lambdaInvocations = after.lambdaInvocations - before.lambdaInvocations
  d.lambdaRecords = after.lambdaRecords - before.lambdaRecords
  for (const [k, v] of Object.entries(after.sqsByAction)) {
    const n = v - (before.sqsByAction[k] ?? 0)
    if (n) d.sqsByAction[k] = n
  }
  for (const key of ['ddbWriteByOp', 'ddbRequestsByOp'] as const)
    for (const [k, v] of Object.entries(after[key])) {
      const n = v - (before[key][k] ?? 0)
      if (n) d[key][k] = n
    }
  return d
}
