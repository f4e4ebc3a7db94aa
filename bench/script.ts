import { pathToFileURL } from 'node:url'

/**
 * The benches' command-line entry, written once: runs `main` only when `moduleUrl` is the script node was started
 * with (not when bench/main.ts imports the module), hands its result to `show`, and exits 0, or prints the error
 * and exits 1 (a bench's stacks and workers must not keep the process alive).
 */
export function runAsScript<T>(moduleUrl: string, main: () => Promise<T>, show: (result: T) => void = () => {}): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return
  main().then(
    (result) => {
      show(result)
      process.exit(0)
    },
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
}
