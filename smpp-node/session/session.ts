import type { SmppConfig } from '../../lib/config'
import type { Account, BindType } from '../../lib/domain/model'
import type { Log } from '../../lib/ports'
import type { Pdu } from '../../lib/smpp/pdu'
import type { StatusCode } from '../../lib/smpp/status'
import type { Clock } from './clock'

export type SessionState = 'open' | 'bound' | 'unbinding' | 'closed'

export interface Remote {
  address: string
  port: number
}

/**
 * What a command sees of the session it runs on: who is bound, how to answer, how to ask the peer, and
 * the bind state transitions a command may make (SMPP 3.4 section 2.2). Never the node, never the socket.
 */
export interface Session {
  readonly id: string
  readonly remote: Remote
  readonly state: SessionState
  readonly account?: Account
  readonly bindType?: BindType
  /** Bound as receiver or transceiver: deliver_sm may be sent. */
  readonly canReceive: boolean
  /** Answers a request counted in the window, exactly once, and frees its slot. */
  reply(req: Pdu, status: StatusCode, body?: object): void
  /** A request of ours; resolves with the response, whatever its status. */
  request(commandId: number, body?: object): Promise<Pdu>
  /** bind: the account is verified; called before the bind_resp goes out. */
  markBound(account: Account, bindType: BindType): void
  /** unbind (section 4.2): no new requests from here on; resolves once at most `keep` are still being answered. */
  beginUnbind(keep: number): Promise<void>
  /** Flushes what is queued, then closes. */
  end(reason: string): Promise<void>
}

/**
 * Which bind state a command needs (SMPP 3.4 section 2.2, table 2-1): binds only when open (else
 * ESME_RALYBND), submits, queries and cancels on a transmitter or transceiver, the rest on any bound
 * session (else ESME_RINVBNDSTS). enquire_link is answered in any state, as SMPP 5.0 allows in OPEN.
 */
export type Needs = 'open' | 'any' | 'bound' | 'transmit'

export interface Command {
  needs: Needs
  /** Answers through session.reply exactly once (now or later); a throw is answered with statusOf(err). */
  run(session: Session, pdu: Pdu): void | Promise<void>
}

/** The requests a peer may send, by command_id; any other gets generic_nack ESME_RINVCMDID. */
export type Commands = ReadonlyMap<number, Command>

/** What the rooms below the node count (node/metrics.ts is the implementation). */
export interface Counters {
  pdu(direction: 'in' | 'out', commandId: number, status: number): void
  count(name: string, by?: number): void
}

/** What a server session runs on: its slice of the config, time, logs, counters, the command table, and who to tell when it ends. */
export interface SessionDeps {
  smpp: Pick<SmppConfig, 'windowSize' | 'maxPduLength' | 'bindTimeoutMs' | 'enquireLinkIntervalMs' | 'responseTimeoutMs'>
  clock: Clock
  log: Log
  metrics: Counters
  commands: Commands
  /** The compatibility observer (issue 19); none in tests that do not look. */
  watch?: SessionWatch
  /** Once, when the session has ended. */
  closed(session: Session): void
}

/**
 * Who watches a session's traffic beside the counters: the node's compatibility observer (node/compat-observer.ts,
 * issue 19). Called synchronously for every PDU, so an implementation only counts; it never does I/O per PDU.
 */
export interface SessionWatch {
  pdu(session: Session, direction: 'in' | 'out', commandId: number, status: number, pdu: Pdu | undefined): void
  responseTimeout(session: Session, commandId: number): void
  closed(session: Session): void
}
