import { type SmppPdu, type SmppSession, smpp } from '../../smpp-node/testing/smpp-package'

/**
 * An ESME built on the npm `smpp` package's client (an SMPP implementation written by others): promises
 * for requests, every deliver_sm acknowledged and kept, and waiting for a deliver_sm that matches.
 */
export interface Esme {
  session: SmppSession
  /** A request and its resp; rejects when no resp comes within `ms`. */
  call(command: string, fields?: Record<string, unknown>, ms?: number): Promise<SmppPdu>
  bind(type: 'transmitter' | 'receiver' | 'transceiver', systemId: string, password: string): Promise<SmppPdu>
  /** Every deliver_sm received so far, in order. */
  delivered: SmppPdu[]
  /** The first deliver_sm (received or to come) that matches; rejects after `ms`. */
  deliverSm(match: (p: SmppPdu) => boolean, ms?: number): Promise<SmppPdu>
  closed: Promise<void>
  close(): void
}

export async function connectEsme(port: number, opts: { tls?: boolean } = {}): Promise<Esme> {
  const session = smpp.connect({ host: '127.0.0.1', port, tls: opts.tls, rejectUnauthorized: false })
  const delivered: SmppPdu[] = []
  const watchers = new Set<(p: SmppPdu) => void>()
  session.on('deliver_sm', (pdu: SmppPdu) => {
    session.send(pdu.response())
    delivered.push(pdu)
    for (const w of watchers) w(pdu)
  })
  // The node drops a peer that leaves its enquire_link unanswered for 60 s; tests that wait minutes (issue 14) stay bound.
  session.on('enquire_link', (pdu: SmppPdu) => session.send(pdu.response()))
  // The package emits 'error' for socket errors; unhandled it would crash the worker.
  session.on('error', () => {})
  const closed = new Promise<void>((r) => session.once('close', () => r()))
  await new Promise<void>((resolve, reject) => {
    session.once(opts.tls ? 'secureConnect' : 'connect', () => resolve())
    session.once('error', reject)
    void closed.then(() => reject(new Error('closed before connecting')))
  })

  const call = (command: string, fields: Record<string, unknown> = {}, ms = 40_000) =>
    new Promise<SmppPdu>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${command}_resp within ${ms} ms`)), ms)
      const sent = session.send(new smpp.PDU(command, fields), (resp: SmppPdu) => {
        clearTimeout(t)
        resolve(resp)
      })
      if (!sent) {
        clearTimeout(t)
        reject(new Error(`${command}: socket not writable`))
      }
      void closed.then(() => {
        clearTimeout(t)
        reject(new Error(`${command}: connection closed`))
      })
    })

  return {
    session,
    call,
    bind: (type, systemId, password) => call(`bind_${type}`, { system_id: systemId, password }),
    delivered,
    deliverSm(match, ms = 60_000) {
      const seen = delivered.find(match)
      if (seen) return Promise.resolve(seen)
      return new Promise<SmppPdu>((resolve, reject) => {
        const w = (p: SmppPdu) => {
          if (!match(p)) return
          watchers.delete(w)
          clearTimeout(t)
          resolve(p)
        }
        const t = setTimeout(() => {
          watchers.delete(w)
          reject(new Error(`no matching deliver_sm within ${ms} ms (${delivered.length} received)`))
        }, ms)
        watchers.add(w)
      })
    },
    closed,
    close: () => session.destroy(),
  }
}

/** The text of a deliver_sm or submit_sm as the package decoded it. */
export function textOf(pdu: SmppPdu): string {
  const sm = pdu.short_message as { message?: unknown } | string | Buffer | undefined
  const m = typeof sm === 'object' && sm !== null && !Buffer.isBuffer(sm) ? sm.message : sm
  return Buffer.isBuffer(m) ? m.toString('latin1') : String(m ?? '')
}

/** The receipt fields of Appendix B ("id:… sub:… stat:… err:…"). */
export function receiptFields(pdu: SmppPdu): Record<string, string> {
  const text = textOf(pdu)
  const fields: Record<string, string> = {}
  for (const m of text.matchAll(/(id|sub|dlvrd|submit date|done date|stat|err):(\S*)/g)) fields[m[1]] = m[2]
  const t = /text:(.*)$/s.exec(text)
  if (t) fields.text = t[1]
  return fields
}

/** The receipt of message `id`: an esm_class 0x04 deliver_sm naming it. */
export const isReceiptOf = (id: string) => (p: SmppPdu) => (p.esm_class & 0x3c) === 0x04 && receiptFields(p).id === id
