import { createHash } from 'node:crypto'
import type { DispatchJob, HttpSubmitRequest } from '../../domain/jobs'
import type { Gsm7Tables } from '../../encoding/national-language'
import { splitBytes } from '../../encoding/segments'
import { EsmClassUdhi, shiftIes } from '../../encoding/udh'

/**
 * The HTTP request for a text re-encoded with national shift tables (issue 17, lib/domain/shift-reencode.ts): the
 * platform splits it, since the IEs must be repeated in every part's UDH (TS 23.040 9.2.3.24.15/16) and a carrier
 * splitting one payload would not know to. The concatenation reference is stable per message, so a resend repeats it.
 */
export function shiftRequest(job: DispatchJob, shift: Gsm7Tables): HttpSubmitRequest {
  const parts = splitBytes(Buffer.from(job.messagePayload ?? '', 'base64'), {
    dataCoding: job.dataCoding,
    scheme: 'udh8',
    reference: createHash('sha256').update(job.messageId).digest().readUInt16BE(0),
    udhIes: shiftIes(shift),
  })
  return {
    messageId: job.messageId,
    from: job.sourceAddr,
    to: job.destinationAddr,
    dataCoding: job.dataCoding,
    esmClass: job.esmClass | EsmClassUdhi,
    registeredDelivery: job.registeredDelivery,
    shortMessage: '',
    segments: parts.map((p) => p.shortMessage.toString('base64')),
    shiftTables: { locking: shift.locking, single: shift.single },
  }
}
