import { mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Where a run writes its screenshots. Test runs write to tests/e2e/.output (not tracked), so
 * `npm test` never rewrites committed files; `pnpm run screenshots` sets E2E_SCREENSHOTS=docs
 * to regenerate on purpose the images the docs link to, in tests/e2e/screenshots.
 */
export function screenshotDir(): string {
  const dir =
    process.env.E2E_SCREENSHOTS === "docs"
      ? join(import.meta.dirname, "..", "..", "screenshots")
      : join(import.meta.dirname, "..", "..", ".output");
  mkdirSync(dir, { recursive: true });
  return dir;
}
