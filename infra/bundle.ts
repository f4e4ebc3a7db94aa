import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

/**
 * The one set of esbuild settings for every artefact we deploy: the CDK stack hands them to
 * NodejsFunction (infra/cdk/lambda-bundling.ts), smpp-node/Dockerfile runs this file to build the node,
 * and infra/bundle.test.ts builds the same bundles and runs them against the local services.
 */

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)))

/** Each deployable entry point, relative to the repository root. */
export const Entries = {
  submit: 'functions/submit/handler.ts',
  dispatch: 'functions/dispatch/handler.ts',
  dlr: 'functions/dlr/handler.ts',
  due: 'functions/due/handler.ts',
  api: 'functions/api/handler.ts',
  webhook: 'functions/webhook/handler.ts',
  sandbox: 'functions/sandbox/handler.ts', // the AWS sandbox upstream (issue 19)
  sandboxSetup: 'functions/sandbox/register.ts', // registers it at deploy (a custom resource)
  node: 'smpp-node/main.ts',
} as const
export type EntryName = keyof typeof Entries

export const EsbuildSettings = {
  platform: 'node',
  // Node 20 syntax runs on Lambda's Node 22 runtime and on the local Node 20 alike.
  target: 'node20',
  // ESM because our code is ESM (import.meta); the AWS SDK and hono ship ESM builds ("module").
  format: 'esm',
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins; give them one.
  banner: "import { createRequire as __smppCreateRequire } from 'node:module'; const require = __smppCreateRequire(import.meta.url);",
  minify: true,
  // SmppError subclasses name themselves after their class (new.target.name): keep class names intact.
  keepNames: true,
  sourcemap: true,
  /**
   * Nothing is external: the AWS SDK v3 is bundled too. Lambda's Node 22 runtime ships an SDK v3, but
   * of whatever version AWS last installed; bundling ours makes the deployed artefact the one we test.
   */
  external: [] as string[],
} as const

/** `<outDir>/<name>/index.mjs`, the layout NodejsFunction uses for an ESM handler. */
export const bundlePath = (outDir: string, name: EntryName) => join(outDir, name, 'index.mjs')

export async function bundleEntry(outDir: string, name: EntryName): Promise<string> {
  const outfile = bundlePath(outDir, name)
  await mkdir(join(outDir, name), { recursive: true })
  const { banner, ...settings } = EsbuildSettings
  await build({
    ...settings,
    mainFields: [...settings.mainFields],
    entryPoints: [join(repoRoot, Entries[name])],
    outfile,
    bundle: true,
    banner: { js: banner },
    logLevel: 'warning',
  })
  return outfile
}

/** Bundles every handler and the node (or the `names` given) into `outDir`; returns each bundle's path. */
export async function bundleHandlers(outDir: string, names = Object.keys(Entries) as EntryName[]): Promise<Record<EntryName, string>> {
  const paths = await Promise.all(names.map((n) => bundleEntry(outDir, n)))
  return Object.fromEntries(names.map((n, i) => [n, paths[i]])) as Record<EntryName, string>
}

// `tsx infra/bundle.ts <outDir> [entry...]`: how smpp-node/Dockerfile builds the node.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [outDir, ...names] = process.argv.slice(2)
  if (!outDir) throw new Error('usage: tsx infra/bundle.ts <outDir> [submit|dispatch|dlr|api|node ...]')
  const unknown = names.filter((n) => !(n in Entries))
  if (unknown.length) throw new Error(`unknown entries: ${unknown.join(', ')}`)
  const paths = await bundleHandlers(resolve(outDir), names.length ? (names as EntryName[]) : undefined)
  for (const p of Object.values(paths)) console.log(p)
}
