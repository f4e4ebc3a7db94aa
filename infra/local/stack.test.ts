import { type ChildProcess, spawn } from 'node:child_process'
import { type Socket, connect as tcpConnect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { fileURLToPath } from 'node:url'
import smpp, { type PDU } from 'smpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alive, descendants } from '../../test/e2e/stack'
import { freePort, portAnswers } from './ports'

/**
 * The whole local stack as `npm start` runs it (tsx infra/local/main.ts), in memory and on free ports:
 * every port answers, an ESME gets a receipt and an MO end to end, and SIGTERM leaves no process behind.
 */
const root = fileURLToPath(new URL('../../', import.meta.url))
const StartTimeoutMs = 240_000 // five processes compiling TypeScript and a JVM, on two busy cores
let stack: ChildProcess
let output = ''
let ports: Record<'smpp' | 'tls' | 'api' | 'health' | 'simulator', number>

beforeAll(async () => {
  ports = { smpp: await freePort(), tls: await freePort(), api: await freePort(), health: await freePort(), simulator: await freePort() }
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')))
  stack = spawn(`${root}node_modules/.bin/tsx`, ['infra/local/main.ts', '--in-memory'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      SMPP_PORT: String(ports.smpp),
      SMPP_TLS_PORT: String(ports.tls),
      API_PORT: String(ports.api),
      HEALTH_PORT: String(ports.health),
      SIMULATOR_PORT: String(ports.simulator),
      ADMIN_API_KEY: 'stack-test-key',
      VERDICT_DEADLINE_MS: '30000', // a loaded CI machine must not turn slowness into 0x0402
    },
  })
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000)
  }
  stack.stdout?.on('data', collect)
  stack.stderr?.on('data', collect)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack not ready in time:\n${output.slice(-3_000)}`)), StartTimeoutMs)
    const check = setInterval(() => {
      if (output.includes('Local SMPP platform ready')) done(resolve)
    }, 100)
    const done = (f: () => void) => {
      clearInterval(check)
      clearTimeout(timer)
      f()
    }
    stack.once('exit', (code) => done(() => reject(new Error(`stack exited (${code}) during start:\n${output.slice(-3_000)}`))))
  })
}, StartTimeoutMs + 10_000)

afterAll(() => {
  // Only if a test failed half way: nothing of ours may outlive the run.
  if (stack?.pid && alive(stack.pid)) for (const pid of [...descendants(stack.pid), stack.pid]) process.kill(pid, 'SIGKILL')
})

/** A minimal ESME over the npm `smpp` package's PDU codec. */
function esme(port: number) {
  const sock: Socket = tcpConnect(port, '127.0.0.1')
  let buf = Buffer.alloc(0)
  const waiting: { match: (p: PDU) => boolean; resolve: (p: PDU) => void }[] = []
  let seq = 1
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d])
    while (buf.length >= 4 && buf.length >= buf.readUInt32BE(0)) {
      const pdu = smpp.PDU.fromBuffer(buf.subarray(0, buf.readUInt32BE(0)))
      buf = buf.subarray(buf.readUInt32BE(0))
      if (!pdu) continue
      if (pdu.command === 'deliver_sm') sock.write(new smpp.PDU('deliver_sm_resp', { sequence_number: pdu.sequence_number }).toBuffer())
      const i = waiting.findIndex((w) => w.match(pdu))
      if (i >= 0) waiting.splice(i, 1)[0].resolve(pdu)
    }
  })
  const next = (match: (p: PDU) => boolean, ms = 60_000) =>
    new Promise<PDU>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no such PDU in time')), ms)
      waiting.push({
        match,
        resolve: (p) => {
          clearTimeout(t)
          resolve(p)
        },
      })
    })
  const request = (command: string, fields: Record<string, unknown>) => {
    const sequence_number = seq++
    sock.write(new smpp.PDU(command, { ...fields, sequence_number }).toBuffer())
    return next((p) => p.sequence_number === sequence_number && p.command === `${command}_resp`)
  }
  return { request, next, close: () => sock.destroy() }
}
const textOf = (pdu: PDU) => {
  const sm = pdu.short_message as { message?: unknown } | string | undefined
  return String(typeof sm === 'object' && sm ? sm.message : sm)
}

describe('npm start (in memory)', () => {
  it('answers on the SMPP, TLS, API and health ports', async () => {
    for (const port of [ports.smpp, ports.tls, ports.api, ports.health, ports.simulator]) expect(await portAnswers(port)).toBe(true)
    expect((await fetch(`http://127.0.0.1:${ports.health}/health`)).status).toBeLessThan(500)
    expect((await fetch(`http://127.0.0.1:${ports.api}/`)).status).toBeLessThan(500)
    const tlsOk = await new Promise<boolean>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port: ports.tls, rejectUnauthorized: false }, () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    expect(tlsOk).toBe(true)
    expect(output).toContain('admin key: stack-test-key')
  })

  it('takes a submit from the demo account and delivers its receipt and an MO', async () => {
    const client = esme(ports.smpp)
    try {
      expect((await client.request('bind_transceiver', { system_id: 'demo', password: 'demopass' })).command_status).toBe(0)
      const resp = await client.request('submit_sm', {
        source_addr: 'DEMO',
        destination_addr: '447700900123',
        short_message: 'hello',
        registered_delivery: 1,
      })
      expect(resp.command_status).toBe(0)
      const receipt = await client.next((p) => p.command === 'deliver_sm' && textOf(p).includes(`id:${resp.message_id}`))
      expect(textOf(receipt)).toContain('stat:DELIVRD')
      const mo = client.next((p) => p.command === 'deliver_sm' && textOf(p) === 'hi from a handset')
      const posted = await fetch(`http://127.0.0.1:${ports.simulator}/mo`, {
        method: 'POST',
        body: JSON.stringify({ from: '447700900001', to: '447700900999', text: 'hi from a handset' }),
      })
      expect(posted.status).toBe(202)
      expect((await mo).destination_addr).toBe('447700900999')
    } finally {
      client.close()
    }
  }, 150_000)

  it('stops on SIGTERM with exit code 0 and leaves no process behind', async () => {
    const pids = descendants(stack.pid!)
    expect(pids.length).toBeGreaterThanOrEqual(4) // the node, the Lambda host, the API and DynamoDB Local at least
    const exited = new Promise<number | null>((r) => stack.once('exit', (code) => r(code)))
    stack.kill('SIGTERM')
    expect(await exited).toBe(0)
    const deadline = Date.now() + 10_000
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(pids.filter(alive)).toEqual([])
  }, 90_000)
})
