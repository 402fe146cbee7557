// Writes the generated traces to bench/traces/generator/<archetype>-<n>.json.
// Usage: npx tsx bench/traces/generator/write.ts [variantsPerArchetype]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARCHETYPES, type Archetype } from "../lib/format";
import { generateTrace } from "./generate";

const variants = Number(process.argv[2] ?? 5);
const dir = import.meta.dirname;
for (const archetype of Object.keys(ARCHETYPES) as Archetype[]) {
  for (let n = 1; n <= variants; n++) {
    const file = join(dir, `${archetype}-${n}.json`);
    writeFileSync(file, `${JSON.stringify(generateTrace(archetype, n), null, 2)}\n`);
  }
}
console.log(`wrote ${variants} traces of each of ${Object.keys(ARCHETYPES).length} archetypes to ${dir}`);
