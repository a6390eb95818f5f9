import { createRequire } from 'node:module';

/**
 * `require` for aws-cdk-lib modules. aws-cdk-lib is CommonJS with lazy exports (a class's file loads when
 * the class is first read). An ESM `import` of one of its modules reads every export to build the
 * namespace, loading the whole module (~4x slower synth start, measured: bench/synth.bench.mjs);
 * destructuring from require() loads only the classes named. Types still come from `import type`.
 */
export const requireCdk = createRequire(import.meta.url);
