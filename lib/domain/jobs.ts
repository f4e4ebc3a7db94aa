import type { z } from 'zod'
import type { CallbackMessageSchema, DestinationSchema, DispatchJobSchema, SubmitJobSchema, UpstreamEventSchema } from './parse'

/**
 * The messages that travel on the queues, inferred from their schemas (parse.ts, where each field is
 * described), so a field cannot be declared in one and forgotten in the other.
 */
export type Destination = z.infer<typeof DestinationSchema>
/** submit queue: posted by the node for submit_sm, data_sm and submit_multi. */
export type SubmitJob = z.infer<typeof SubmitJobSchema>
/** dispatch queue: an accepted, charged message on its way to an upstream. */
export type DispatchJob = z.infer<typeof DispatchJobSchema>
/** receipts queue: what upstreams (connectors, the simulator, the webhook) report. */
export type UpstreamEvent = z.infer<typeof UpstreamEventSchema>
/** A node's callback queue. */
export type CallbackMessage = z.infer<typeof CallbackMessageSchema>
export type VerdictMessage = Extract<CallbackMessage, { type: 'verdict' }>
/** Issue 16: the verdicts of one submit invocation for one node, in one callback message. */
export type VerdictBundle = Extract<CallbackMessage, { type: 'verdicts' }>
export type DeliverMessage = Extract<CallbackMessage, { type: 'deliver' }>

/**
 * The HTTP upstream contract (connector kind 'http'; the local carrier simulator serves it):
 * POST <upstream.url> with this JSON and `Authorization: Bearer <secret>` when the upstream has a
 * secretRef. A 2xx answer with `{ "id": "<upstream message id>" }` means accepted; any other answer,
 * a timeout or a connection error is a transport error (failover, then 0x0446).
 */
export interface HttpSubmitRequest {
  messageId: string
  from: string
  to: string
  dataCoding: number
  esmClass: number
  registeredDelivery: number
  shortMessage: string // base64, UDH included when esmClass has UDHI (0x40): binary and WAP Push byte for byte
  messagePayload?: string // base64
  /** A part of a long message that the client sent with SAR TLVs (SMPP 3.4 5.3.2.22-24): where it belongs. */
  sar?: { ref: number; total: number; seq: number }
  /**
   * Issue 17, for an upstream configured with `shiftTables`: a UCS2 text the platform re-encoded as GSM 7-bit with
   * national language shift tables and split itself. Each entry is one SMS's short_message (base64): a UDH with the
   * concatenation IE and the shift IEs 0x24/0x25 (TS 23.040 9.2.3.24.15/16), then unpacked septets; dataCoding is 0
   * and esmClass has UDHI (0x40). shortMessage is then empty and messagePayload absent.
   */
  segments?: string[]
  /** The tables the segments' septets are written with (National Language Identifiers; 0 = the default alphabet). */
  shiftTables?: { locking: number; single: number }
}
export interface HttpSubmitResponse {
  id: string
}
