// The "Reproduce" section that ends docs/benchmarks.md: every way to run the benches.
export const REPRODUCE_SECTION = `## Reproduce

\`\`\`sh
npm run bench                   # full run, rewrites this file
npm run bench -- --load         # adds the sustained section (500 conversations, 1,000 sockets, 60 s)
npm run bench -- --quick        # a tenth of the requests, for a smoke check (--load then holds 50 and 100 for 15 s)
npm run bench -- --no-profile   # without the profiled pass (no per-Worker JS CPU)
npm run bench -- --no-cold      # without the cold start section (each Worker in fresh workerd processes, minified and not)
npm run bench -- --only=chat    # only the scenarios whose name contains the text (add --cold for the cold start section)
npm run bench -- --disk         # the local D1/KV/DO files on disk (the default keeps them in RAM, /dev/shm)
npm run bench -- --with-assets  # the gateway behind its local assets layer (a router Worker in front of every gateway request)
\`\`\`

Standalone benches (bench/src/standalone/, printed to the terminal, not written here):

\`\`\`sh
npm run bench -- detector-step [--quick]                  # struggle-detector's step() alone: µs per signal at two session lengths
npm run bench -- signals-vs-noop [batches] [perBatch]     # signals through the gateway to the learner's DO, next to a no-op DO (HTTP only)
npm run bench -- chat-first-token [--latency=200] [--samples=200] [--concurrent=500]  # chat alone with a Workers AI double
BENCH_PROFILE_DIR=/tmp/prof npm run bench -- --only=chat   # keeps each Worker's raw profile of the profiled pass (.cpuprofile, DevTools)
npm run bench -- call-tree /tmp/prof chat [--min=0.03] [--depth=12]  # that pass's call tree, ms per operation per call path
npm run bench -- call-tree /tmp/prof chat --self  # the same pass by function, each one's own time summed over its paths
\`\`\`
`;
