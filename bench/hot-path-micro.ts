/**
 * The micro-measurements behind the node profile's cuts (docs/PERFORMANCE.md, issue 16), each against the
 * alternative it was chosen over, as CPU µs per operation (process.cpuUsage over 200,000 operations, twice):
 *
 *   npx tsx bench/hot-path-micro.ts
 *
 * - text: gsmDecode + JSON.stringify of the text, against decoding with `out += char` (the rope it replaced);
 * - job: submitJobJson (lib/domain/submit-job-json.ts) of the bench's SubmitJob, against JSON.stringify;
 * - verdict: parseCallbackMessage (plain-verdict fast path, then zod) against JSON.parse alone, and against zod;
 * - a verdict in a bundle of 10 (issue 16): parseCallbackMessage of the bundle, per verdict.
 */
import type { SubmitJob } from '../lib/domain/jobs'
import { CallbackMessageSchema, parseCallbackMessage } from '../lib/domain/parse'
import { submitJobJson } from '../lib/domain/submit-job-json'
import { DEFAULT_ALPHABET, gsmDecode } from '../lib/encoding/gsm7'
import { decode, encode } from '../lib/smpp/codec'
import { prepareSubmit } from '../smpp-node/commands/submit-sm'
import { submitSm } from '../smpp-node/testing/pdus'

const N = 200_000
function time(name: string, run: (i: number) => number): void {
  let sink = 0
  for (let round = 0; round < 2; round++) {
    const t = process.cpuUsage()
    for (let i = 0; i < N; i++) sink += run(i)
    const u = process.cpuUsage(t)
    console.log(`${name.padEnd(44)} ${((u.user + u.system) / N).toFixed(3)} µs${round === 0 ? ' (first)' : ''}`)
  }
  if (sink === -1) console.log(sink)
}

const texts = Array.from({ length: 1000 }, (_, i) => Buffer.from(`Hello world, this is message number ${i} with some more text`))
const ropeDecode = (bytes: Uint8Array): string => {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += DEFAULT_ALPHABET[bytes[i] & 0x7f]
  return out
}
time('text: gsmDecode + stringify', (i) => JSON.stringify(gsmDecode(texts[i % 1000])).length)
time('text: rope decode + stringify', (i) => JSON.stringify(ropeDecode(texts[i % 1000])).length)

// The job as the node builds it (commands/submit-sm.ts post()) from the load generator's submit_sm.
const benchSubmit = encode(submitSm({ shortMessage: Buffer.from('Benchmark message: hello from the load generator') }))
const jobOf = (i: number): SubmitJob => ({
  v: 1,
  messageId: `0MID${i.toString(36).padStart(16, '0')}`,
  accountId: 'bench',
  nodeId: 'node-1',
  replyTo: 'http://127.0.0.1:1234/000000000000/callback-node-1',
  incarnation: 'node-1.0a1b2c3d',
  receivedAt: '2026-12-01T12:00:00.000Z',
  deadline: 1764590400000 + i,
  async: false,
  ...prepareSubmit(decode(benchSubmit)),
})
const job = jobOf(7)
if (submitJobJson(job) !== JSON.stringify(job)) throw new Error('submitJobJson differs from JSON.stringify')
// charCodeAt flattens the result, as the socket write of the request would.
time('job: JSON.stringify', () => {
  const s = JSON.stringify(job)
  return s.charCodeAt(s.length >> 1)
})
time('job: submitJobJson', () => {
  const s = submitJobJson(job)
  return s.charCodeAt(s.length >> 1)
})

const verdicts = Array.from({ length: 1000 }, (_, i) => `{"type":"verdict","messageId":"0A1B2C3D4E5F6G7H${i}","status":0}`)
time('verdict: parseCallbackMessage', (i) => (parseCallbackMessage(verdicts[i % 1000]) as { status: number }).status)
time('verdict: JSON.parse alone', (i) => JSON.parse(verdicts[i % 1000]).status)
time('verdict: JSON.parse + zod', (i) => (CallbackMessageSchema.parse(JSON.parse(verdicts[i % 1000])) as { status: number }).status)

// Issue 16: the verdicts of one submit batch (10, as the node posts them) in one bundle; per verdict, a tenth of a parse.
const bundles = Array.from(
  { length: 100 },
  (_, b) =>
    `{"type":"verdicts","verdicts":[${Array.from({ length: 10 }, (_, i) => `{"messageId":"0A1B2C3D4E5F6G7H${b * 10 + i}","status":0}`).join(',')}]}`,
)
time('verdict in a bundle of 10: parseCallbackMessage', (i) =>
  i % 10 === 0 ? (parseCallbackMessage(bundles[(i / 10) % 100]) as { verdicts: unknown[] }).verdicts.length : 0,
)
