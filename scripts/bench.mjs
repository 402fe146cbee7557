// `npm run bench`: runs the benchmark package (bench/), passing arguments through.
import { run } from "./lib.mjs";

const { code } = await run("pnpm", ["--filter", "@atomic-guide/bench", "run", "bench", ...process.argv.slice(2)]);
process.exit(code);
