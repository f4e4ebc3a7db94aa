/**
 * `npm run bench`: runs each benchmark section, prints a table per section, and ends with one JSON line
 * holding every figure (for CI and the docs).
 */
import { benchCodec } from './codec'

interface Section {
  name: string
  run: () => Promise<Array<Record<string, unknown>>>
}

// Add new sections here.
const sections: Section[] = [{ name: 'codec', run: benchCodec }]

const results: Record<string, Array<Record<string, unknown>>> = {}
for (const section of sections) {
  const rows = await section.run()
  results[section.name] = rows
  console.log(`\n${section.name}`)
  console.table(rows.map((r) => ('ours' in r && 'smpp' in r ? { ...r, ratio: `${(Number(r.ours) / Number(r.smpp)).toFixed(1)}x` } : r)))
}
console.log(JSON.stringify(results))
