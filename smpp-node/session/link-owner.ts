import type { FrameError } from '../../lib/smpp/framer'
import type { Pdu } from '../../lib/smpp/pdu'
import type { Clock } from './clock'

/** What a link tells its owner: the session (our server's) or the client (our binds to carriers). */
export interface LinkOwner {
  /** A request from the peer, decoded. */
  onRequest(pdu: Pdu): void
  /** Whether this side handles a command_id: an undecodable request of it gets its own _resp, else generic_nack. */
  knows(commandId: number): boolean
  /** A request of ours went unanswered for the response timeout (the request itself rejects with ResponseTimeout). */
  onResponseTimeout(commandId: number, timeoutMs: number): void
  /** Nothing arrived for the keep-alive interval (SMPP 3.4 section 4.11: time for an enquire_link). */
  onIdle(): void
  /** Once, when the stream is gone, after every outstanding request was rejected with `reason`. */
  onClosed(reason: Error): void
  /** Every PDU in and out, with its status: metrics; and every undecodable frame. */
  observe?(direction: 'in' | 'out', commandId: number, status: number, pdu?: Pdu): void
  onBadFrame?(e: FrameError): void
  onEncodeError?(pdu: Pdu, err: unknown): void
}

export interface LinkOptions {
  clock: Clock
  responseTimeoutMs: number
  /** Keep-alive interval; 0 for none. */
  idleMs: number
  maxPduLength?: number
}

/** The link is gone (closed by either side, or dead): every outstanding request fails with it. */
export class LinkClosed extends Error {
  override name = 'LinkClosed'
}
/** No response within the response timeout; for submit_sm it is unknown whether the peer took the message. */
export class ResponseTimeout extends Error {
  override name = 'ResponseTimeout'
}
