import type { AddressInfo } from 'node:net'
import { type SmppPdu as PDU, type SmppSession as Session, smpp } from '../../testing/smpp-package'

/**
 * A carrier's SMSC for the tests, played by the npm `smpp` package's server (independent of our
 * codec): it accepts binds, answers submit_sm as the test scripts, can drop the connection, and sends
 * deliver_sm (receipts, MO) on the bound RX/TRX sessions.
 */

export interface Submit {
  destination: string
  registeredDelivery: number
  esmClass: number
  dataCoding: number
  shortMessage: Buffer
  messagePayload?: Buffer
  sar?: { ref: number; total: number; seq: number }
}

/** What the SMSC does with one submit_sm: answer with a status (and an id when 0), drop the link, or stay silent. */
export type Reaction = { status: number } | 'drop' | 'silent'

export interface Carrier {
  port: number
  binds: Array<{ command: string; systemId: string; password: string; at: number }>
  unbinds: number
  submits: Submit[]
  /** destination -> message ids answered with status 0 (each accepted submit_sm once). */
  accepted: Map<string, string[]>
  /** Most submit_sm seen unanswered at once on one session. */
  maxOutstanding: number
  script: (s: Submit, seen: number) => Reaction
  /** Hold answers until release() (to observe the window). */
  hold: boolean
  release(): void
  receivers(): Session[]
  deliver(fields: Record<string, unknown>, session?: Session): Promise<number>
  dropAll(): void
  close(): Promise<void>
}

export async function startCarrier(opts: { password?: string; tls?: { key: string; cert: string } } = {}): Promise<Carrier> {
  let nextId = 0x1f4 // message ids in hex, like many SMSCs: 1f4, 1f5, ...
  const held: Array<() => void> = []
  const bound = new Set<Session>()
  const carrier: Carrier = {
    port: 0,
    binds: [],
    unbinds: 0,
    submits: [],
    accepted: new Map(),
    maxOutstanding: 0,
    script: () => ({ status: 0 }),
    hold: false,
    release: () => {
      for (const answer of held.splice(0)) answer()
    },
    receivers: () => [...bound].filter((s) => (s as Session & { mode?: string }).mode !== 'bind_transmitter'),
    deliver: (fields, session) =>
      new Promise((resolve, reject) => {
        const target = session ?? carrier.receivers()[0]
        if (!target) return reject(new Error('no receiver bound'))
        target.deliver_sm({ source_addr_ton: 1, source_addr_npi: 1, dest_addr_ton: 1, dest_addr_npi: 1, ...fields }, (resp: PDU) =>
          resolve(resp.command_status),
        )
      }),
    dropAll: () => {
      for (const s of server.sessions) s.destroy()
    },
    close: () =>
      new Promise((resolve) => {
        carrier.dropAll()
        server.close(() => resolve())
      }),
  }
  const server = smpp.createServer({ ...opts.tls }, (session: Session) => {
    let outstanding = 0
    const onBind = (pdu: PDU) => {
      carrier.binds.push({ command: pdu.command, systemId: pdu.system_id, password: pdu.password, at: Date.now() })
      const ok = opts.password === undefined || pdu.password === opts.password
      session.send(pdu.response({ command_status: ok ? 0 : 0x0e, system_id: 'CARRIER' })) // ESME_RINVPASWD
      if (!ok) return
      ;(session as Session & { mode?: string }).mode = pdu.command
      bound.add(session)
    }
    for (const command of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) session.on(command, onBind)
    session.on('close', () => bound.delete(session))
    session.on('error', () => undefined)
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()))
    session.on('unbind', (pdu: PDU) => {
      carrier.unbinds++
      session.send(pdu.response())
      session.close()
    })
    session.on('submit_sm', (pdu: PDU) => {
      // The package keeps parsing what was already read after a drop: a dropped SMSC has seen none of it.
      if (session.socket.destroyed) return
      const submit: Submit = {
        destination: pdu.destination_addr,
        registeredDelivery: pdu.registered_delivery,
        esmClass: pdu.esm_class,
        dataCoding: pdu.data_coding,
        shortMessage: rawShortMessage(pdu),
        messagePayload: pdu.message_payload ? Buffer.from(pdu.message_payload.message ?? pdu.message_payload) : undefined,
        sar:
          pdu.sar_msg_ref_num === undefined
            ? undefined
            : { ref: pdu.sar_msg_ref_num, total: pdu.sar_total_segments, seq: pdu.sar_segment_seqnum },
      }
      carrier.submits.push(submit)
      const seen = carrier.submits.filter((s) => s.destination === submit.destination).length
      const reaction = carrier.script(submit, seen)
      if (reaction === 'drop') return session.destroy()
      if (reaction === 'silent') return
      outstanding++
      carrier.maxOutstanding = Math.max(carrier.maxOutstanding, outstanding)
      const answer = () => {
        outstanding--
        if (!session.socket.writable) return
        const id = reaction.status === 0 ? (nextId++).toString(16) : ''
        if (reaction.status === 0) carrier.accepted.set(submit.destination, [...(carrier.accepted.get(submit.destination) ?? []), id])
        session.send(pdu.response({ command_status: reaction.status, message_id: id }))
      }
      if (carrier.hold) held.push(answer)
      else answer()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  carrier.port = (server.address() as AddressInfo).port
  return carrier
}

// The package decodes short_message into { udh, message }; the tests compare octets as they were on the wire.
function rawShortMessage(pdu: PDU): Buffer {
  const sm = pdu.short_message
  if (Buffer.isBuffer(sm)) return sm
  const message = Buffer.isBuffer(sm?.message) ? sm.message : Buffer.from(String(sm?.message ?? ''), 'latin1')
  if (!sm?.udh?.length) return message
  const ies = Buffer.concat(sm.udh.map((ie: Buffer) => Buffer.from(ie)))
  return Buffer.concat([Buffer.from([ies.length]), ies, message])
}
