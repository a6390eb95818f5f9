// `npm run bench`: runs every bench/*.bench.mjs in turn. Benchmarks print figures and ratios against a
// baseline measured in the same run; they never pass or fail on time.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// As in bin/run.js: the SDK's Node.js 22 notice would only clutter the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs') && (!only || f.startsWith(only)))
  .sort();
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  execFileSync(process.execPath, [path.join(here, file)], { stdio: 'inherit', cwd: path.dirname(here) });
}
