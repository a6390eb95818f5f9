#!/usr/bin/env node
// Development entry: oclif's development mode, which finds the commands by scanning dist/commands instead of
// reading oclif.manifest.json (a new command works before the manifest is regenerated). Run `npm run build`
// first. oclif cannot register tsx for this ESM project, so it runs the built commands, and this entry uses the
// same bundled oclif as they do (dist/oclif.js, loading dist/oclif.cjs): one copy of oclif per process.
import { execute, settings } from '../dist/oclif.js';

// See bin/run.js: the lockfile pins SDK versions that support Node.js 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The built code, as said above: oclif would otherwise look for sources by tsconfig, and warn it found none.
settings.enableAutoTranspile = false;
await execute({ development: true, dir: import.meta.url });
