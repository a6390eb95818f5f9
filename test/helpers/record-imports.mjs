// Preloaded with `node --import`: records every module the process loads, one per line, in the file named by
// RECORD_IMPORTS_FILE (used to prove --help never loads aws-cdk-lib or the AWS SDK): the URL of each ES module
// as it is resolved, and at exit the path of each CommonJS module (require() does not pass the hooks on Node 20).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.RECORD_IMPORTS_FILE;
register('./record-imports-hooks.mjs', import.meta.url, { data: { file } });
const { cache } = createRequire(import.meta.url);
process.on('exit', () => {
  if (file)
    appendFileSync(
      file,
      Object.keys(cache)
        .map((path) => `${path}\n`)
        .join(''),
    );
});
