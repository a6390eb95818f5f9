// Preloaded with `node --import`: records every module URL the process resolves, one per line, in
// the file named by RECORD_IMPORTS_FILE (used to prove --help never loads aws-cdk-lib or the AWS SDK).
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, { data: { file: process.env.RECORD_IMPORTS_FILE } });
