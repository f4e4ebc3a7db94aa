import { createHash } from 'node:crypto'
import { Blacklisted, ForbiddenContent } from './errors'
import { GuardKey } from './ids'
import type { BlacklistEntry } from './model'

// Letters and digits in any script: a stop word matches a whole word, so "ass" does not refuse "class".
const wordChar = '[\\p{L}\\p{N}]'
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Case-insensitive, whole words, any run of whitespace between the words of a phrase. */
export function containsPhrase(text: string, phrase: string): boolean {
  const words = phrase.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return false
  return new RegExp(`(?<!${wordChar})${words.map(escapeRegex).join('\\s+')}(?!${wordChar})`, 'iu').test(text)
}

/** Throws ForbiddenContent (0x0403) when the decoded text contains one of the stop words or phrases. */
export function checkStopWords(text: string, phrases: readonly string[]): void {
  if (phrases.some((p) => containsPhrase(text, p))) throw new ForbiddenContent()
}

/** Throws Blacklisted (0x0404) for an entry that matches the sender or the recipient in its scope. */
export function checkBlacklist(hits: readonly BlacklistEntry[], sender: string, recipient: string): void {
  for (const hit of hits) {
    if (hit.number === sender && hit.scope !== 'recipient') throw new Blacklisted('sender')
    if (hit.number === recipient && hit.scope !== 'sender') throw new Blacklisted('recipient')
  }
}

/**
 * The duplicate-window fingerprint: the same text (binary: the same octets) to the same number.
 * Claimed inside the charge transaction, so two racing copies cannot both pass.
 */
export function duplicateKey(accountId: string, destination: string, content: string): string {
  return GuardKey.duplicate(accountId, destination, createHash('sha256').update(content).digest('hex'))
}
