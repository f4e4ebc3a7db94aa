import { spawnSync } from 'node:child_process'

export const JavaMissing = 'Java is required for DynamoDB Local: install a JRE 17+ (e.g. apt-get install -y openjdk-17-jre-headless)'

/** An error that prints as its one line: no stack, since the fix is an install, not a code change. */
export class OneLineError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'Error'
    this.stack = message
  }
}

/** DynamoDB Local is a Java program; fail before spawning it with a message that says how to fix the machine. */
export function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore', timeout: 15_000 })
  if (probe.error || probe.status !== 0) throw new OneLineError(JavaMissing)
}
