import type { Pdu } from '../../lib/smpp/pdu'
import { Status } from '../../lib/smpp/status'
import type { Session } from '../session/session'

/**
 * SMPP 3.4 section 4.2: the ESME ends the session. New requests are refused from here on (the state is
 * no longer bound), the ones in flight still get their answers (each verdict ends at its deadline at the
 * latest), then unbind_resp goes out and the socket closes once it is flushed.
 */
export async function unbind(conn: Session, pdu: Pdu): Promise<void> {
  await conn.beginUnbind(1) // everything but this unbind
  conn.reply(pdu, Status.Ok)
  await conn.end('unbind')
}
