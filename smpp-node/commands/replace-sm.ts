import type { Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Session } from '../session/session'

/**
 * replace_sm (SMPP 3.4 section 4.10) is not offered: a message is charged and routed as soon as the
 * pipeline takes it, so there is nothing left to replace. The ESME gets ESME_RREPLACEFAIL on the
 * replace_sm_resp it is waiting for, which tells it more than a generic_nack would.
 */
export const replaceSm = (conn: Session, pdu: Pdu): void => conn.reply(pdu, Status.ReplaceFail)
