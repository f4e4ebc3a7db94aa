import { readFileSync } from 'node:fs'
import net from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'
import { encode } from '../../lib/smpp/codec'
import { FrameError, Framer } from '../../lib/smpp/framer'
import { CommandId } from '../../lib/smpp/pdu'
import { HeaderScanner, type OnHeader } from './header-scanner'
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
  /** CPU time of the generator's own thread during the load, in ms (Linux; 0 elsewhere). */
  cpuMs: number
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

// Sequence numbers of one session in flight at once are consecutive and at most `window` apart, so a ring of this
// many send times (indexed by sequence & RingMask) never holds two in-flight requests in one slot (window <= 4096).
const RingSize = 4096
const RingMask = RingSize - 1

/** This thread's CPU time (user + system), in ms, from /proc/thread-self (Linux, 10 ms ticks); 0 elsewhere. */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

/**
 * The load loop. It runs on the same 2 cores as the server it measures, so it does per response only what the rate
 * and latency need, the same for every server: the header of each PDU (HeaderScanner, no body decode), a check that
 * a status-0 submit_sm_resp carries its NUL-terminated message_id, one clock read per TCP chunk, and send times in a
 * ring per session instead of a Map entry per submit.
 */
async function load(d: {
  port: number
  sessions: number
  window: number
  durationMs: number
  systemId: string
  password: string
}): Promise<LoadResult> {
  if (d.window > RingSize) throw new Error(`window ${d.window} over ${RingSize}`)
  const sessions = await Promise.all(Array.from({ length: d.sessions }, () => connect(d.port, d.systemId, d.password)))
  const latenciesMs: number[] = []
  let ok = 0
  let errors = 0
  let stopping = false
  let inWindow = 0 // responses received within durationMs: the rate's numerator
  const sentAt = sessions.map(() => new Float64Array(RingSize).fill(Number.NaN))
  const send = (s: Session, idx: number, n: number) => {
    if (stopping || n <= 0) return
    const out = Buffer.allocUnsafe(submitTemplate.length * n)
    const ring = sentAt[idx]
    const now = performance.now() // one write: every submit of it leaves at once
    for (let i = 0; i < n; i++) {
      s.seq = s.seq >= 0x7fffffff ? 2 : s.seq + 1
      submitTemplate.copy(out, i * submitTemplate.length)
      out.writeUInt32BE(s.seq, i * submitTemplate.length + 12)
      ring[s.seq & RingMask] = now
    }
    s.socket.write(out)
  }
  const cpu0 = threadCpuMs()
  await new Promise<void>((resolve) => {
    let inFlight = 0
    sessions.forEach((s, idx) => {
      const scanner = new HeaderScanner()
      const ring = sentAt[idx]
      let now = 0
      let freed = 0
      const onPdu: OnHeader = (commandId, status, sequence, buf, start, length) => {
        if (commandId === CommandId.EnquireLink) {
          s.socket.write(encode({ commandId: CommandId.EnquireLinkResp, status: 0, sequence, body: {} }))
          return
        }
        if (commandId !== CommandId.SubmitSmResp) return
        const t = ring[sequence & RingMask]
        if (!Number.isNaN(t)) {
          ring[sequence & RingMask] = Number.NaN
          latenciesMs.push(now - t)
        }
        // SMPP 3.4 4.4.2: a submit_sm_resp with status 0 carries the message_id, a C-octet string.
        if (status === 0 && length > 16 && buf[start + length - 1] === 0) ok++
        else errors++
        freed++
      }
      s.socket.on('data', (chunk: Buffer) => {
        freed = 0
        now = performance.now()
        if (!scanner.push(chunk, onPdu)) s.socket.destroy()
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
  const cpuMs = threadCpuMs() - cpu0
  for (const s of sessions) s.socket.destroy()
  return { responses: ok + errors, inWindow, ok, errors, elapsedMs: d.durationMs, latenciesMs, cpuMs }
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
