import { describe, expect, it } from 'vitest'
import { Status } from '../smpp/status'
import type { DispatchJob } from './jobs'
import type { Upstream } from './model'
import {
  backoffMs,
  canonicalUpstreamId,
  failoverJob,
  InvalidSmppSettings,
  queuedJob,
  smppSettingsOf,
  upstreamGuardKey,
  verdictOf,
} from './upstream-smpp'

const upstream = (smpp: Record<string, unknown> | undefined, kind: Upstream['kind'] = 'smpp'): Upstream => ({
  upstreamId: 'carrier-a',
  kind,
  secretRef: 'carrier-a',
  timeoutMs: 7_000,
  smpp,
})

describe('smppSettingsOf', () => {
  it('applies the defaults and takes the response timeout from the upstream', () => {
    expect(smppSettingsOf(upstream({ host: 'smsc.example', systemId: 'acme' }))).toEqual({
      host: 'smsc.example',
      port: 2775,
      tls: false,
      tlsRejectUnauthorized: true,
      systemId: 'acme',
      systemType: '',
      bindMode: 'trx',
      binds: 1,
      window: 10,
      throughput: 0,
      enquireLinkIntervalMs: 30_000,
      responseTimeoutMs: 7_000,
      reconnect: { initialMs: 1_000, maxMs: 60_000 },
      retry: { initialMs: 500, maxMs: 10_000, max: 8 },
      failoverAfterMs: 30_000,
      addrTon: 1,
      addrNpi: 1,
      dataCoding: 0,
      longMessages: 'udh',
      messageIdType: 'as-is',
    })
  })

  it.each([
    [{ systemId: 'acme' }, 'host'],
    [{ host: 'h', systemId: 'a-system-id-of-17' }, 'systemId'],
    [{ host: 'h', systemId: 'acme', bindMode: 'rx' }, 'bindMode'],
    [{ host: 'h', systemId: 'acme', window: 0 }, 'window'],
    [{ host: 'h', systemId: 'acme', longMessages: 'split' }, 'longMessages'],
    [{ host: 'h', systemId: 'acme', reconnect: { initialMs: 5_000, maxMs: 1_000 } }, 'initialMs exceeds'],
  ])('refuses %j naming %s', (smpp, field) => {
    expect(() => smppSettingsOf(upstream(smpp))).toThrow(InvalidSmppSettings)
    expect(() => smppSettingsOf(upstream(smpp))).toThrow(field)
  })

  it('refuses an upstream of another kind', () => {
    expect(() => smppSettingsOf(upstream({ host: 'h', systemId: 'a' }, 'http'))).toThrow('not smpp')
  })
})

describe('verdictOf', () => {
  it.each([
    [Status.Ok, 'accepted'],
    [Status.Throttled, 'retry'],
    [Status.MsgQFul, 'retry'],
    [Status.InvDstAdr, 'failover'],
    [Status.SysErr, 'failover'],
    [Status.SubmitFail, 'failover'],
  ])('status 0x%s -> %s', (status, verdict) => {
    expect(verdictOf(status)).toBe(verdict)
  })
})

describe('backoffMs', () => {
  const policy = { initialMs: 100, maxMs: 1_000 }
  it('doubles, stays between half and all of its ceiling, and is capped', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffMs(n, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500])
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffMs(n, policy, () => 1))).toEqual([100, 200, 400, 800, 1_000, 1_000])
  })
})

const job: DispatchJob = {
  v: 1,
  messageId: 'm1',
  accountId: 'acme',
  sourceAddr: 'ACME',
  sourceAddrTon: 5,
  sourceAddrNpi: 0,
  destinationAddr: '447700900001',
  destAddrTon: 1,
  destAddrNpi: 1,
  esmClass: 0,
  dataCoding: 0,
  registeredDelivery: 1,
  shortMessage: Buffer.from('hi').toString('base64'),
  upstreams: ['http-a', 'smpp-b', 'smpp-c'],
  attempt: 2,
}

describe('jobs between dispatch and the pool', () => {
  it('queues the chosen upstream first, its failovers after it', () => {
    expect(queuedJob(job, 'smpp-b').upstreams).toEqual(['smpp-b', 'smpp-c'])
    expect(queuedJob(job, 'elsewhere').upstreams).toEqual(['elsewhere'])
  })

  it('fails over to the next attempt over the remaining upstreams', () => {
    const next = failoverJob(queuedJob(job, 'smpp-b'))
    expect(next).toMatchObject({ attempt: 3, upstreams: ['smpp-c'] })
    expect(failoverJob(next)).toMatchObject({ attempt: 4, upstreams: [] })
  })

  it('guards each attempt separately', () => {
    expect(upstreamGuardKey('m1', 2)).toBe('UPSTREAM#m1#2')
  })
})

describe('canonicalUpstreamId', () => {
  it('leaves ids alone by default', () => {
    expect(canonicalUpstreamId('0A1b', 'submit', 'as-is')).toBe('0A1b')
  })
  it('matches a hex submit_sm_resp id with a decimal receipt id', () => {
    const t = 'submit-hex-receipt-dec'
    expect(canonicalUpstreamId('1F4', 'submit', t)).toBe('500')
    expect(canonicalUpstreamId('00500', 'receipt', t)).toBe('500')
  })
  it('matches a decimal submit_sm_resp id with a hex receipt id', () => {
    const t = 'submit-dec-receipt-hex'
    expect(canonicalUpstreamId('500', 'submit', t)).toBe('500')
    expect(canonicalUpstreamId('1f4', 'receipt', t)).toBe('500')
  })
  it('keeps an id that is not in the announced base as it is', () => {
    expect(canonicalUpstreamId('abc-1', 'submit', 'submit-hex-receipt-dec')).toBe('abc-1')
  })
})
