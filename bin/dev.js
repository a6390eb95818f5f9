#!/usr/bin/env -S node --import tsx
// Development entry: runs the TypeScript sources directly (no build step).
import { execute } from '@oclif/core';

// See bin/run.js: the lockfile pins SDK versions that support Node.js 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await execute({ development: true, dir: import.meta.url });
