/**
 * Profiling harness for the node's submit path: the same load as `benchNode` (S sessions, window W, instant
 * local verdict) against our node only, so a CPU profile shows the server's hot path and nothing else.
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile-node.ts [durationMs]
 *
 * The load generator runs in a worker thread (its profile is written separately); read the main thread's
 * .cpuprofile with bench/top-profile.ts.
 */
import { measure, startOurNode } from './node'

const durationMs = Number(process.argv[2] ?? 8_000)
const node = await startOurNode(50)
const figures = await measure({
  mode: 'load',
  sessions: 4,
  window: 50,
  durationMs,
  systemId: 'bench',
  password: 'benchpw',
  port: node.port,
})
await node.close()
console.log(JSON.stringify(figures))
process.exit(0)
