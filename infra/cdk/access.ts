import { type Runtime, type RuntimeAccess, Runtimes } from '../../lib/runtimes'

/**
 * Who touches what, as the stack grants it: the declaration in lib/runtimes.ts, the same one lib/config.ts
 * reads each runtime's env vars from. The stack sets exactly those vars and grants exactly those actions
 * (platform-stack.ts), so a runtime's config and its IAM policy cannot drift apart
 * (platform-stack.test.ts loads each function's and the task's synthesized env with loadConfig).
 */
export type Access = RuntimeAccess
export type { Runtime }

export const AccessByRuntime: Record<Runtime, Access> = Runtimes
