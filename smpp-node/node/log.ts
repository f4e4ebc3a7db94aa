import type { Log } from '../../lib/ports/log'

/**
 * Structured logs: one JSON object per line. Fields are scrubbed on the way out: anything named like a
 * password or secret is dropped, and phone numbers (fields named like an address or number) are masked to
 * their first 3 and last 2 digits, so a log line never identifies a handset.
 */
const Secret = /pass|secret|token|credential/i
const PhoneField = /addr$|addr[A-Z_]|msisdn|number|destination|source|recipient|sender/i

export const maskNumber = (value: string): string =>
  value.length <= 5 ? '*'.repeat(value.length) : value.slice(0, 3) + '*'.repeat(value.length - 5) + value.slice(-2)

function scrub(key: string, value: unknown, depth: number): unknown {
  if (Secret.test(key)) return undefined
  if (value instanceof Error) return { name: value.name, message: value.message, ...('status' in value ? { status: value.status } : {}) }
  if (typeof value === 'string') return PhoneField.test(key) ? maskNumber(value) : value
  if (Buffer.isBuffer(value)) return `<${value.length} octets>`
  if (value !== null && typeof value === 'object' && depth < 4) {
    if (Array.isArray(value)) return value.map((v) => scrub(key, v, depth + 1))
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const s = scrub(k, v, depth + 1)
      if (s !== undefined) out[k] = s
    }
    return out
  }
  return value
}

/**
 * stdout as the log's sink. Once stdout fails (EPIPE: whoever read it is gone, as when `npm start` is killed and
 * its children are orphaned) the log goes quiet. Unhandled, that 'error' became an uncaught exception, whose log
 * line (main.ts) hit the closed pipe again: a loop that held an orphaned node at a full core for hours.
 */
let stdoutOpen: boolean | undefined
function toStdout(line: string): void {
  if (stdoutOpen === undefined) {
    stdoutOpen = true
    process.stdout.on('error', () => {
      stdoutOpen = false
    })
  }
  if (stdoutOpen) process.stdout.write(`${line}\n`)
}

export function jsonLog(write: (line: string) => void = toStdout, base: Record<string, unknown> = {}): Log {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>) => {
    const entry = { time: new Date().toISOString(), level, msg, ...base, ...(fields ? (scrub('', fields, 0) as object) : {}) }
    try {
      write(JSON.stringify(entry))
    } catch {
      // A log line must never take the node down (a cyclic field, a closed stdout).
    }
  }
  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  }
}

/** Discards everything (benchmarks, and tests that assert on the wire instead). */
export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} }
