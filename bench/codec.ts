/**
 * Codec throughput: encode and decode of submit_sm and of a deliver_sm receipt (with receipted_message_id,
 * message_state and network_error_code TLVs), ours against the npm package `smpp` 0.5.1.
 * Each measurement runs for about one second after a short warm-up.
 */
import smpp from 'smpp'
import { decode, encode } from '../lib/smpp/codec'
import { CommandId, type Pdu } from '../lib/smpp/pdu'

export type BenchRow = { name: string; ours: number; smpp: number; unit: string }

const submitBody = {
  serviceType: '',
  sourceAddrTon: 5,
  sourceAddrNpi: 0,
  sourceAddr: 'ACME',
  destAddrTon: 1,
  destAddrNpi: 1,
  destinationAddr: '4917612345678',
  esmClass: 0,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 1,
  replaceIfPresentFlag: 0,
  dataCoding: 0,
  smDefaultMsgId: 0,
  shortMessage: Buffer.from('Your verification code is 482913. It expires in 10 minutes.', 'latin1'),
}

const receiptText = 'id:0123456789 sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:DELIVRD err:000 text:Your verificatio'
const deliverBody = {
  ...submitBody,
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  sourceAddr: '4917612345678',
  destAddrTon: 5,
  destAddrNpi: 0,
  destinationAddr: 'ACME',
  esmClass: 0x04,
  registeredDelivery: 0,
  shortMessage: Buffer.from(receiptText, 'latin1'),
  receiptedMessageId: '0123456789',
  messageState: 2,
  networkErrorCode: Buffer.from([3, 0, 0]),
}

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())
const theirOptions = (body: Record<string, unknown>, sequence: number) =>
  Object.fromEntries([['sequence_number', sequence], ...Object.entries(body).map(([k, v]) => [snake(k), v])])

/** Operations per second of `fn`, measured for about `ms` milliseconds. */
function opsPerSecond(fn: () => unknown, ms = 1000): number {
  let sink: unknown
  const warmEnd = performance.now() + ms / 5
  while (performance.now() < warmEnd) for (let i = 0; i < 1000; i++) sink = fn()
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 1000; i++) sink = fn()
    ops += 1000
    now = performance.now()
  }
  if (sink === Symbol.for('never')) console.log(sink) // keeps the results observable so the loop is not optimised away
  return Math.round((ops * 1000) / (now - start))
}

export async function benchCodec(): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const cases: Array<[string, number, string, Record<string, unknown>]> = [
    ['submit_sm', CommandId.SubmitSm, 'submit_sm', submitBody],
    ['deliver_sm receipt', CommandId.DeliverSm, 'deliver_sm', deliverBody],
  ]
  for (const [label, commandId, command, body] of cases) {
    const pdu: Pdu = { commandId, status: 0, sequence: 42, body }
    const frame = encode(pdu)
    const theirs = new smpp.PDU(command, theirOptions(body, 42)).toBuffer()
    if (!theirs.equals(frame)) throw new Error(`${label}: the two codecs disagree on the bytes; the comparison would be meaningless`)
    rows.push({
      name: `encode ${label}`,
      ours: opsPerSecond(() => encode(pdu)),
      smpp: opsPerSecond(() => new smpp.PDU(command, theirOptions(body, 42)).toBuffer()),
      unit: 'ops/s',
    })
    rows.push({
      name: `decode ${label}`,
      ours: opsPerSecond(() => decode(frame)),
      smpp: opsPerSecond(() => smpp.PDU.fromBuffer(frame)),
      unit: 'ops/s',
    })
  }
  return rows
}
