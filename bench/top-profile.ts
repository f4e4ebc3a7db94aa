/**
 * Prints the self time of the heaviest functions of a V8 .cpuprofile (from `node --cpu-prof`), grouped by
 * function and file, so a profile can be read without a browser.
 *
 *   tsx bench/top-profile.ts /tmp/prof/CPU.<...>.cpuprofile [rows] [fromUs-toUs]
 *
 * The optional window keeps only the samples taken between two CLOCK_MONOTONIC instants in µs (the clock of V8's
 * profile timestamps and of process.hrtime, shared by every process of the machine): bench/cpu-per-message.ts
 * prints its load's window, so start-up (module loading, tsx) and shutdown stay out of the figures.
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  hitCount?: number
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
}

const [file, rowsArg, windowArg] = process.argv.slice(2)
if (!file) throw new Error('usage: tsx bench/top-profile.ts <file.cpuprofile> [rows]')
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const self = new Map<string, number>()
let total = 0
const [from, to] = windowArg ? windowArg.split('-').map(Number) : [-Infinity, Infinity]
let at = profile.startTime
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0
  at += dt
  if (at < from || at > to) return
  const n = byId.get(id)
  if (n === undefined) return
  const { functionName, url, lineNumber, columnNumber } = n.callFrame
  const short = url.replace(/^.*\/(node_modules\/|work\/main\/)/, '')
  const key = `${functionName || '(anonymous)'}  ${short}:${lineNumber + 1}:${columnNumber + 1}`
  self.set(key, (self.get(key) ?? 0) + dt)
  total += dt
})
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(rowsArg ?? 40))
for (const [key, us] of rows)
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`)
console.log(`total ${(total / 1000).toFixed(0)} ms`)
