/**
 * The CLI's one door to oclif. The package build bundles this module, with @oclif/core and its dependencies,
 * into dist/oclif.js (scripts/build.mjs): one file to load instead of ~160 CommonJS modules, which is most of
 * the start-up time of `--help` and of every command. bin/run.js and every command use this same copy.
 */

export type { Interfaces } from '@oclif/core';
export { Args, Command, execute, Flags } from '@oclif/core';
