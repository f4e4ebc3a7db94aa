import { describe, expect, it } from 'vitest'
import type { Log } from '../lib/ports'
import { perRecord, wholeBatch } from './batch'
import type { SqsEvent } from './types'

const event = (...bodies: string[]): SqsEvent => ({ Records: bodies.map((body, i) => ({ messageId: `id-${i}-${body}`, body })) })

function recordingLog() {
  const errors: { msg: string; fields?: Record<string, unknown> }[] = []
  const log: Log = { info: () => {}, warn: () => {}, error: (msg, fields) => void errors.push({ msg, fields }) }
  return { log, errors }
}

describe('perRecord (Powertools BatchProcessor)', () => {
  it('reports only the records whose call threw, by SQS messageId, and logs each', async () => {
    const { log, errors } = recordingLog()
    const done: string[] = []
    const res = await perRecord(event('ok', 'bad', 'ok2'), log, 'test', async (body) => {
      if (body === 'bad') throw new Error('nope')
      done.push(body)
    })
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'id-1-bad' }] })
    expect(done.sort()).toEqual(['ok', 'ok2'])
    expect(errors).toEqual([{ msg: 'test failed', fields: expect.objectContaining({ messageId: 'id-1-bad' }) }])
  })

  it('answers a batch whose every record failed with every record listed, instead of throwing', async () => {
    const { log } = recordingLog()
    const res = await perRecord(event('a', 'b'), log, 'test', async () => {
      throw new Error('down')
    })
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['id-0-a', 'id-1-b'])
  })

  it('keeps two batches apart when they run at once in one process (the local Lambda host does)', async () => {
    const { log } = recordingLog()
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const slow = perRecord(event('x-bad', 'x-ok'), log, 'test', async (body) => {
      await gate
      if (body.endsWith('bad')) throw new Error('x')
    })
    const fast = await perRecord(event('y-ok', 'y-bad'), log, 'test', async (body) => {
      if (body.endsWith('bad')) throw new Error('y')
    })
    release()
    expect(fast).toEqual({ batchItemFailures: [{ itemIdentifier: 'id-1-y-bad' }] })
    expect(await slow).toEqual({ batchItemFailures: [{ itemIdentifier: 'id-0-x-bad' }] })
  })
})

describe('wholeBatch', () => {
  it('fails alone a record that does not parse and each the domain answers with an error', async () => {
    const { log } = recordingLog()
    const parse = (body: string) => {
      if (body === 'junk') throw new Error('parse')
      return body
    }
    const res = await wholeBatch(event('a', 'junk', 'b', 'c'), log, 'test', parse, async (items) =>
      items.map((i) => (i === 'b' ? { error: new Error('refused') } : { ok: i })),
    )
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'id-1-junk' }, { itemIdentifier: 'id-2-b' }] })
  })
})
