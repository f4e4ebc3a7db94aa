import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

// An orphaned node (its `npm start` killed) writes its log into a pipe nobody reads. The EPIPE must quiet the log, not
// become an uncaught exception whose own log line (main.ts logs them) fails the same way, for ever, at a full core.
it('a closed stdout quiets the log instead of looping through uncaughtException', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-stdout-'))
  const script = join(dir, 'child.ts')
  writeFileSync(
    script,
    `import { jsonLog } from ${JSON.stringify(fileURLToPath(new URL('./log.ts', import.meta.url)))}
const log = jsonLog()
let uncaught = 0
process.on('uncaughtException', (err) => { uncaught++; log.error('uncaught exception', { err }) })
log.info('first line')
setTimeout(() => {
  for (let i = 0; i < 50; i++) log.info('into a closed pipe', { i })
  setTimeout(() => { process.stderr.write('uncaught=' + uncaught + '\\n'); process.exit(0) }, 300)
}, 500)
`,
  )
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.once('data', () => child.stdout.destroy()) // the reader goes away after the first line
  let err = ''
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const code = await new Promise<number | null>((resolve) => {
    const bound = setTimeout(() => {
      child.kill('SIGKILL')
      resolve(null)
    }, 15_000)
    child.once('exit', (c) => {
      clearTimeout(bound)
      resolve(c)
    })
  })
  expect({ code, err: err.trim() }).toEqual({ code: 0, err: 'uncaught=0' })
})
