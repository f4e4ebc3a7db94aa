import { describe, expect, it } from 'vitest'
import { EnvKeys, loadConfig, queueUrl } from './config'
import { type QueueName, Queues, type TableName, Tables } from './resources'
import { queuesOf, type Runtime, Runtimes, tablesOf } from './runtimes'

const runtimes = Object.keys(Runtimes) as Runtime[]
const envFor = (tables: readonly TableName[], queues: readonly QueueName[]) =>
  Object.fromEntries([
    ...tables.map((t) => [EnvKeys.table(t), `phys-${t}`]),
    ...queues.map((q) => [EnvKeys.queue(q), `https://sqs.local/${q}`]),
  ])

describe('loadConfig sliced per runtime (issue 16)', () => {
  it.each(runtimes)('%s starts on exactly its declared tables and queues, and holds no other', (runtime) => {
    const cfg = loadConfig(runtime, envFor(tablesOf(runtime), queuesOf(runtime)))
    expect(cfg.tables).toEqual(Object.fromEntries(tablesOf(runtime).map((t) => [t, `phys-${t}`])))
    expect(Object.keys(cfg.queues).sort()).toEqual([...queuesOf(runtime)].sort())
    // Every other name in the env is ignored, not carried along.
    const all = loadConfig(runtime, envFor(Object.keys(Tables) as TableName[], Object.keys(Queues) as QueueName[]))
    expect(Object.keys(all.tables).sort()).toEqual([...tablesOf(runtime)].sort())
    expect(Object.keys(all.queues).sort()).toEqual([...queuesOf(runtime)].sort())
  })

  it.each(runtimes)('%s refuses to start without any one of its declared names', (runtime) => {
    const env = envFor(tablesOf(runtime), queuesOf(runtime))
    for (const key of Object.keys(env)) {
      const { [key]: _, ...without } = env
      expect(() => loadConfig(runtime, without), key).toThrow(`missing env ${key}`)
    }
  })

  it('gives the node no usage table (but the ledger, where the balance shards live), and the submit function no upstream queue', () => {
    const node = loadConfig('node', envFor(tablesOf('node'), queuesOf('node')))
    expect(node.tables.usage).toBeUndefined()
    expect(node.tables.ledger).toBe('phys-ledger') // a bind reads the account with its balance shards
    expect(node.queues.upstream).toBe('https://sqs.local/upstream')
    const submit = loadConfig('submit', envFor(tablesOf('submit'), queuesOf('submit')))
    expect(submit.queues.upstream).toBeUndefined()
    expect(() => queueUrl(submit, 'upstream')).toThrow('queue upstream is not declared')
    expect(queueUrl(submit, 'dispatch')).toBe('https://sqs.local/dispatch')
  })

  it("'stack' reads every table and queue", () => {
    const cfg = loadConfig('stack', envFor(Object.keys(Tables) as TableName[], Object.keys(Queues) as QueueName[]))
    expect(Object.keys(cfg.tables).sort()).toEqual(Object.keys(Tables).sort())
    expect(Object.keys(cfg.queues).sort()).toEqual(Object.keys(Queues).sort())
  })
})
