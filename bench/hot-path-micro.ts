/**
 * The micro-measurements behind the node profile's cuts (docs/PERFORMANCE.md, issue 16), each against the
 * alternative it was chosen over, as CPU µs per operation (process.cpuUsage over 200,000 operations, twice):
 *
 *   npx tsx bench/hot-path-micro.ts
 *
 * - text: gsmDecode + JSON.stringify of the text, against decoding with `out += char` (the rope it replaced);
 * - job: JSON.stringify of a SubmitJob, against a hand-written serialiser (tried, not kept);
 * - verdict: parseCallbackMessage (plain-verdict fast path, then zod) against JSON.parse alone, and against zod;
 * - a verdict in a bundle of 10 (issue 16): parseCallbackMessage of the bundle, per verdict.
 */
import { CallbackMessageSchema, parseCallbackMessage } from '../lib/domain/parse'
import { DEFAULT_ALPHABET, gsmDecode } from '../lib/encoding/gsm7'

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

const jobOf = (i: number) => {
  const text = ropeDecode(texts[i % 1000])
  return {
    v: 1,
    messageId: `0MID${i.toString(36).padStart(20, '0')}`,
    accountId: 'bench',
    nodeId: 'node-1',
    replyTo: 'http://127.0.0.1:1234/000000000000/callback-node-1',
    receivedAt: '2026-12-01T12:00:00.000Z',
    deadline: 1764590400000 + i,
    async: false,
    command: 'submit_sm',
    serviceType: '',
    sourceAddr: 'BENCH',
    sourceAddrTon: 5,
    sourceAddrNpi: 0,
    destinations: [{ addr: `4479${1000000 + i}`, ton: 1, npi: 1 }],
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    registeredDelivery: 0,
    dataCoding: 0,
    validityPeriod: '',
    scheduleDeliveryTime: '',
    shortMessage: Buffer.from(text).toString('base64'),
    text,
    parts: 1,
  }
}
type Job = ReturnType<typeof jobOf>
const Unsafe = /["\\\u0000-\u001f\ud800-\udfff]/
const str = (v: string) => (Unsafe.test(v) ? JSON.stringify(v) : `"${v}"`)
const handWritten = (j: Job): string =>
  `{"v":1,"messageId":${str(j.messageId)},"accountId":${str(j.accountId)},"nodeId":${str(j.nodeId)},"replyTo":${str(j.replyTo)},` +
  `"receivedAt":${str(j.receivedAt)},"deadline":${j.deadline},"async":${j.async},"command":${str(j.command)},` +
  `"serviceType":${str(j.serviceType)},"sourceAddr":${str(j.sourceAddr)},"sourceAddrTon":${j.sourceAddrTon},` +
  `"sourceAddrNpi":${j.sourceAddrNpi},"destinations":[${j.destinations.map((d) => `{"addr":${str(d.addr)},"ton":${d.ton},"npi":${d.npi}}`).join(',')}],` +
  `"esmClass":${j.esmClass},"protocolId":${j.protocolId},"priorityFlag":${j.priorityFlag},"registeredDelivery":${j.registeredDelivery},` +
  `"dataCoding":${j.dataCoding},"validityPeriod":${str(j.validityPeriod)},"scheduleDeliveryTime":${str(j.scheduleDeliveryTime)},` +
  `"shortMessage":${str(j.shortMessage)},"text":${str(j.text)},"parts":${j.parts}}`
if (handWritten(jobOf(7)) !== JSON.stringify(jobOf(7))) throw new Error('the hand-written serialiser differs from JSON.stringify')
const jobs = Array.from({ length: 1000 }, (_, i) => i)
// A fresh job each time (its text a rope, as the node's was): charCodeAt flattens the result, as a socket write would.
time('job: JSON.stringify', (i) => {
  const s = JSON.stringify(jobOf(jobs[i % 1000] + i))
  return s.charCodeAt(s.length >> 1)
})
time('job: hand-written serialiser', (i) => {
  const s = handWritten(jobOf(jobs[i % 1000] + i))
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
