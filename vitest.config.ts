import { availableParallelism } from 'node:os'
import { relative } from 'node:path'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Seconds per file of the slowest files, from a full run on 2 cores (the per-file figures `npx vitest run` prints;
 * docs/LOCAL.md "The test suite's time"). A fresh clone has no vitest cache, and vitest then starts the largest files
 * first, so a 2-minute e2e file could start last and run alone at the end. A file missing here (renamed, new) is
 * only ordered by vitest's own rule; nothing fails.
 */
const SlowFiles: Record<string, number> = {
  'test/e2e/faults-crashes.test.ts': 135,
  'test/e2e/deferred.test.ts': 132,
  'test/e2e/faults-adoption.test.ts': 64,
  'test/e2e/faults-bad-input.test.ts': 35,
  'test/e2e/conformance-clients.test.ts': 35,
  'test/e2e/conformance-status-codes.test.ts': 31,
  'test/e2e/issue17-ops.test.ts': 20,
  'smpp-node/upstream/pool.test.ts': 19,
  'test/e2e/http-webhook.test.ts': 19,
  'test/e2e/sandbox-lambda.test.ts': 17,
  'test/e2e/shift-tables.test.ts': 16,
  'test/e2e/sandbox-compat.test.ts': 16,
  'test/integration/chained-stacks.test.ts': 15,
  'test/e2e/binary-mo.test.ts': 15,
  'infra/local/stack.test.ts': 15,
  'infra/bundle.test.ts': 13,
  'smpp-node/edge/server.test.ts': 12,
}

/**
 * faults-crashes asserts what a stack answers under load within a 4 s verdict deadline, so it goes first, beside the
 * files that start no stack; the files that do (another JVM and five processes) come after it.
 */
const First = 'test/e2e/faults-crashes.test.ts'
const startsStacks = (file: string) => /^test\/(e2e|integration)\//.test(file) || file === 'infra/local/stack.test.ts'

/**
 * Longest first (LPT scheduling) within each tier (First; no stack; stacks): the short files fill the other worker
 * around the long ones and the run ends near total / workers. A file the vitest cache has timed (a checkout that ran
 * the suite before) takes its cached duration, else its figure above, else vitest's order.
 */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files)
    const rank = (spec: TestSpecification) => {
      const file = relative(this.ctx.config.root, spec.moduleId)
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`)?.duration
      return { tier: file === First ? 0 : startsStacks(file) ? 2 : 1, ms: cached ?? (SlowFiles[file] ?? 0) * 1_000 }
    }
    return ordered
      .map((spec, i) => ({ spec, i, ...rank(spec) }))
      .sort((a, b) => a.tier - b.tier || b.ms - a.ms || a.i - b.i)
      .map(({ spec }) => spec)
  }
}

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'cdk.out/**', 'dist/**'],
    // Integration suites start DynamoDB Local and the SQS server once for the whole run.
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default is one worker per core less one: a single worker on 2 cores, so the e2e files' waits (a
    // scheduled message's 90 s, a visibility timeout's 75 s) held the whole run. Two workers overlap them with work.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: SlowestFirst },
  },
})
