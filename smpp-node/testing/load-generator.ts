import net from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'
import { encode } from '../../lib/smpp/codec'
import { FrameError, Framer } from '../../lib/smpp/framer'
import { CommandId } from '../../lib/smpp/pdu'
import { submitSm } from './pdus'

/**
 * The bench's load generator, run in a worker thread so it does not share the event loop with the server
 * it measures. Speaks through our own codec on raw sockets: each session binds as transceiver, then keeps
 * `window` submit_sm outstanding for `durationMs`, recording the submit -> resp latency of each.
 *
 * workerData: { mode: 'load', port, sessions, window, durationMs, systemId, password }
 *          or { mode: 'idle', port, sessions, systemId, password } (binds and holds until told 'close')
 */
export interface LoadResult {
  responses: number
  /** Responses received within durationMs (ok or not); rate = inWindow / durationMs. */
  inWindow: number
  ok: number
  errors: number
  elapsedMs: number
  latenciesMs: number[]
}

const bindPdu = (systemId: string, password: string) =>
  encode({
    commandId: CommandId.BindTransceiver,
    status: 0,
    sequence: 1,
    body: { systemId, password, systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' },
  })

// The sequence number is written per request (below), so the template's own does not matter.
const submitTemplate = encode(submitSm({ shortMessage: Buffer.from('Benchmark message: hello from the load generator') }))

interface Session {
  socket: net.Socket
  framer: Framer
  seq: number
}

function connect(port: number, systemId: string, password: string): Promise<Session> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.setNoDelay(true)
    const s: Session = { socket, framer: new Framer(), seq: 1 }
    socket.once('error', reject)
    socket.once('connect', () => socket.write(bindPdu(systemId, password)))
    const onData = (chunk: Buffer) => {
      for (const item of s.framer.push(chunk)) {
        if (item instanceof FrameError || item.commandId !== CommandId.BindTransceiverResp) continue
        socket.off('data', onData)
        if (item.status !== 0) reject(new Error(`bind refused: ${item.status}`))
        else resolve(s)
      }
    }
    socket.on('data', onData)
  })
}

async function load(d: {
  port: number
  sessions: number
  window: number
  durationMs: number
  systemId: string
  password: string
}): Promise<LoadResult> {
  const sessions = await Promise.all(Array.from({ length: d.sessions }, () => connect(d.port, d.systemId, d.password)))
  const latenciesMs: number[] = []
  let ok = 0
  let errors = 0
  let stopping = false
  let inWindow = 0 // responses received within durationMs: the rate's numerator
  const sentAt = new Map<number, number>()
  const send = (s: Session, idx: number, n: number) => {
    if (stopping || n <= 0) return
    const out = Buffer.allocUnsafe(submitTemplate.length * n)
    for (let i = 0; i < n; i++) {
      s.seq = s.seq >= 0x7fffffff ? 2 : s.seq + 1
      submitTemplate.copy(out, i * submitTemplate.length)
      out.writeUInt32BE(s.seq, i * submitTemplate.length + 12)
      sentAt.set(s.seq * 64 + idx, performance.now())
    }
    s.socket.write(out)
  }
  await new Promise<void>((resolve) => {
    let inFlight = 0
    sessions.forEach((s, idx) => {
      s.socket.on('data', (chunk: Buffer) => {
        let freed = 0
        const now = performance.now()
        for (const item of s.framer.push(chunk)) {
          if (item instanceof FrameError) continue
          if (item.commandId === CommandId.EnquireLink) {
            s.socket.write(encode({ commandId: CommandId.EnquireLinkResp, status: 0, sequence: item.sequence, body: {} }))
            continue
          }
          if (item.commandId !== CommandId.SubmitSmResp) continue
          const key = item.sequence * 64 + idx
          const t = sentAt.get(key)
          if (t !== undefined) {
            sentAt.delete(key)
            latenciesMs.push(now - t)
          }
          if (item.status === 0) ok++
          else errors++
          freed++
        }
        inFlight -= freed
        if (!stopping) {
          inWindow += freed
          send(s, idx, freed)
          inFlight += freed
        } else if (inFlight <= 0) resolve()
      })
      send(s, idx, d.window)
      inFlight += d.window
    })
    setTimeout(() => {
      stopping = true
      if (inFlight <= 0) resolve()
      setTimeout(resolve, 5_000) // bounded: whatever is still out after 5 s is not counted
    }, d.durationMs)
  })
  for (const s of sessions) s.socket.destroy()
  return { responses: ok + errors, inWindow, ok, errors, elapsedMs: d.durationMs, latenciesMs }
}

async function idle(d: { port: number; sessions: number; systemId: string; password: string }): Promise<void> {
  const sessions: Session[] = []
  // Bound in parallel, 25 at a time: each bind costs the server one password verification.
  for (let i = 0; i < d.sessions; i += 25) {
    sessions.push(
      ...(await Promise.all(Array.from({ length: Math.min(25, d.sessions - i) }, () => connect(d.port, d.systemId, d.password)))),
    )
  }
  for (const s of sessions) {
    s.socket.on('data', (chunk: Buffer) => {
      for (const item of s.framer.push(chunk)) {
        if (!(item instanceof FrameError) && item.commandId === CommandId.EnquireLink) {
          s.socket.write(encode({ commandId: CommandId.EnquireLinkResp, status: 0, sequence: item.sequence, body: {} }))
        }
      }
    })
  }
  parentPort!.postMessage({ bound: sessions.length })
  await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()))
  for (const s of sessions) s.socket.destroy()
}

if (parentPort) {
  const d = workerData
  const run = d.mode === 'idle' ? idle(d).then(() => ({ closed: true })) : load(d)
  run.then(
    (result) => parentPort!.postMessage({ result }),
    (err) => parentPort!.postMessage({ error: String(err) }),
  )
}
