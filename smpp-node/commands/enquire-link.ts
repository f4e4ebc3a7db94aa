import type { Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Session } from '../session/session'

/** SMPP 3.4 section 4.11: the link check; any PDU from the peer also counts as activity for the idle timer. */
export const enquireLink = (conn: Session, pdu: Pdu): void => conn.reply(pdu, Status.Ok)
