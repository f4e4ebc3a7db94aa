import { Duplex } from 'node:stream'

/**
 * Two connected in-memory duplex streams, like the two ends of a socket: what one writes the other reads.
 * Ending one side ends the other's readable side; destroying one closes both.
 */
export function duplexPair(): [Duplex, Duplex] {
  let a!: Duplex
  let b!: Duplex
  const make = (peer: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk, _enc, cb) {
        const p = peer()
        if (!p.destroyed) p.push(chunk)
        cb()
      },
      final(cb) {
        const p = peer()
        if (!p.destroyed) p.push(null)
        cb()
      },
      destroy(err, cb) {
        const p = peer()
        if (!p.destroyed) p.destroy()
        cb(err)
      },
    })
  a = make(() => b)
  b = make(() => a)
  return [a, b]
}
