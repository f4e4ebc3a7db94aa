import { randomBytes } from 'node:crypto'

/**
 * Message ids of HTTP-sent messages: the node's shape (smpp-node/node/message-id.ts: 24 upper-case base 36 characters,
 * fixed width, time first, so string order is time order), with 15 random characters (77 bits) where a node has its
 * sequence, tag and 40 random bits. An API instance has no node id to tag with, and so many random bits make a
 * collision between two instances in one millisecond as unlikely as guessing an id.
 */
export function httpMessageId(nowMs: number): string {
  const random = BigInt(`0x${randomBytes(10).toString('hex')}`) % 36n ** 15n
  return nowMs.toString(36).toUpperCase().padStart(9, '0') + random.toString(36).toUpperCase().padStart(15, '0')
}
