/**
 * Caches V8's compiled code between runs, for the two loads that dominate the CLI's start-up time:
 *
 * - aws-cdk-lib (`enableCompileCache`), so that a synth does not compile and resolve ~400 CommonJS files
 *   (~6 MB, among them region-info's 1.3 MB fact table) from scratch on every run: most of a synth's own time.
 * - the CLI's oclif bundle (`requireWithCodeCache`, dist/oclif.cjs, 466 KB), which `--help` and every command
 *   load first: compiling it was a third of `--help`'s time over bare Node.
 *
 * Node >= 22.1 has this built in (`module.enableCompileCache()`). On older Node, aws-cdk-lib's cache hooks
 * `Module.prototype._compile` and `Module._resolveFilename` for files under `node_modules/aws-cdk-lib/` (its
 * bundled dependencies included), `node_modules/constructs/` and `node_modules/@aws-cdk/cloud-assembly-schema/`
 * only, and the bundle is compiled here directly. Neither may call a dynamic `import()` from cached code: on
 * Node 20, V8's code from a cache drops vm.Script's import callback ("A dynamic import callback was not
 * specified"; the generic `v8-compile-cache` package breaks oclif so). Those packages have none, and the build
 * turns the bundle's into calls of a module Node compiles itself (scripts/build.mjs).
 *
 * One cache file per Node.js version, aws-cdk-lib version (or bundle) and installed copy (`copyOf`) in the
 * user's cache directory, replaced atomically. It holds V8's code for each file, used only for the exact source it was made from (length and
 * SHA-1, the bundle's taken by the build; V8 itself refuses code from another V8 version or flag set) and only
 * when intact (checksum: V8 does not check, and damaged code would crash the process); and where each `require`
 * in these files led, used only while the packages' package.json files are unchanged and the file found still
 * exists.
 * Any error means a normal compile: the cache can make a start faster, never break it.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';

/** The cache of this process; `flush()` writes what it learnt since it was read. */
export interface CompileCache {
  /** The cache file (Node < 22.1) or directory (Node's own compile cache). */
  readonly location: string;
  /** Files compiled with cached code / from source, in this process. */
  readonly stats: { hits: number; misses: number };
  /** Writes the code of the files compiled from source and the new resolutions; false when nothing was written. */
  flush(): boolean;
}

/** Of a file's source as Node hands it over: the code is used only for that exact source. */
interface Fingerprint {
  length: number;
  sha1: string;
}

interface Entry extends Fingerprint {
  offset: number;
  bytes: number;
  /** Of the code: V8 does not check it, and code damaged on disk would crash the process. */
  checksum: number;
}

interface CacheFile {
  /** The packages' package.json fingerprints the resolutions were recorded with. */
  packages: string;
  entries: Map<string, Entry>;
  /** `<directory of the requiring file>\0<request>` -> file. */
  resolutions: Map<string, string>;
  data: Buffer;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** The parts of Node's CommonJS loader the hooks wrap or use (the same from Node 20 to 24). */
const loader = Module as unknown as {
  _resolveFilename(
    this: unknown,
    request: string,
    parent?: Module,
    isMain?: boolean,
    options?: unknown,
  ): string;
  _resolveLookupPaths(request: string, parent: Module): string[] | null;
  _extensions: NodeJS.Require['extensions'];
  _cache: NodeJS.Require['cache'];
  prototype: { _compile(this: Module, content: string, filename: string, ...rest: unknown[]): unknown };
};

// node:crypto is loaded on first use: loading it (~6 ms) would cost `--help` most of what the bundle's cache saves.
const sha1Digest = (data: string | Buffer): Buffer =>
  (Module.createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'))
    .createHash('sha1')
    .update(data)
    .digest();

const FILE_FORMAT = 2;
const PACKAGES = ['aws-cdk-lib', 'constructs', '@aws-cdk/cloud-assembly-schema'];
const IN_SCOPE = /[\\/]node_modules[\\/](?:aws-cdk-lib|constructs|@aws-cdk[\\/]cloud-assembly-schema)[\\/]/;
// The wrapper Node puts around a CommonJS module. The source starts on its own line, and lineOffset -1
// keeps the line and column numbers in stack traces those of the file.
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';

let installed: CompileCache | undefined;

/**
 * Turns the cache on for the rest of the process (idempotent). `directory` defaults to
 * `$XDG_CACHE_HOME/serverless-infra` (else `~/.cache/serverless-infra`). Off when NODE_DISABLE_COMPILE_CACHE
 * is set, as Node's own cache is; undefined when off or unavailable.
 */
export function enableCompileCache(directory = defaultCacheDirectory()): CompileCache | undefined {
  if (installed) return installed;
  if (process.env.NODE_DISABLE_COMPILE_CACHE || !directory) return undefined;
  try {
    installed = nodeCompileCache(directory) ?? (usesPolicy() ? undefined : installHooks(directory));
  } catch {
    installed = undefined;
  }
  return installed;
}

/** An experimental policy checks each module's integrity in Node's _compile, which the hook replaces. */
function usesPolicy(): boolean {
  const options = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return options.some((o) => o.startsWith('--experimental-policy') || o.startsWith('--policy-integrity'));
}

/**
 * `require(filename)` of one CommonJS file, with its compiled code from the cache in `directory` (the same
 * default, and off in the same cases, as `enableCompileCache`). `sha1` is the file's, taken by the build that
 * wrote it (hashing 466 KB at every start would cost as much as node:crypto's loading): the code is used only
 * for a file of that length and SHA-1, at that path. Without a usable entry the file is compiled from
 * source, and V8's code for it is written when the process exits: after the run, so that it holds the functions
 * the run called, not only the top level. The file must not call import() (see the top of this file).
 */
export function requireWithCodeCache(
  filename: string,
  sha1: string,
  directory = defaultCacheDirectory(),
): unknown {
  const require = Module.createRequire(filename);
  if (process.env.NODE_DISABLE_COMPILE_CACHE || !directory || usesPolicy() || nodeCompileCache(directory)) {
    return require(filename);
  }

  let script: vm.Script;
  let fingerprint: Fingerprint;
  let location: string;
  let hit: boolean;
  try {
    const bytes = readFileSync(filename);
    fingerprint = { length: bytes.length, sha1 };
    location = path.join(
      directory,
      `v8-${process.version}-${process.arch}`,
      `${path.basename(filename)}-${copyOf(filename)}.bin`,
    );
    const stored = readCacheFile(location);
    const entry = stored.entries.get(filename);
    const data = entry && sameFingerprint(entry, fingerprint) ? codeOf(stored, entry) : undefined;
    const cachedData = data && checksum(data) === entry?.checksum ? data : undefined;
    // No importModuleDynamically: Node 20 drops it from cached code (see the top of this file).
    script = new vm.Script(WRAPPER_HEAD + bytes.toString('utf8') + WRAPPER_TAIL, {
      filename,
      lineOffset: -1,
      ...(cachedData ? { cachedData } : {}),
    });
    hit = cachedData !== undefined && !script.cachedDataRejected;
  } catch {
    return require(filename); // unreadable, or not a script: Node loads it and reports as usual
  }

  // What Node's loader does for a CommonJS module: cached before it runs, removed again if it throws.
  const module = new Module(filename);
  module.filename = filename;
  require.cache[filename] = module;
  try {
    (script.runInThisContext() as AnyFunction).call(
      module.exports,
      module.exports,
      require,
      module,
      filename,
      path.dirname(filename),
    );
  } catch (error) {
    delete require.cache[filename];
    throw error;
  }
  module.loaded = true;

  if (!hit) {
    process.once('exit', () => {
      try {
        const code = new Map([[filename, { ...fingerprint, data: script.createCachedData() }]]);
        writeCacheFile(location, '', code, new Map());
      } catch {
        // an unwritable cache directory: the next run compiles from source again
      }
    });
  }
  return module.exports;
}

function defaultCacheDirectory(): string | undefined {
  const base = process.env.XDG_CACHE_HOME || (os.homedir() && path.join(os.homedir(), '.cache'));
  return base ? path.join(base, 'serverless-infra') : undefined;
}

/** Node >= 22.1: its own cache, which covers every module loaded after this call. */
function nodeCompileCache(directory: string): CompileCache | undefined {
  const enable = (Module as { enableCompileCache?: (dir: string) => { directory?: string } })
    .enableCompileCache;
  if (!enable) return undefined;
  const { directory: location = directory } = enable(path.join(directory, 'node-compile-cache'));
  return { location, stats: { hits: 0, misses: 0 }, flush: () => false };
}

function installHooks(directory: string): CompileCache {
  const cdkPackageJson = Module.createRequire(import.meta.url).resolve('aws-cdk-lib/package.json');
  const { version } = JSON.parse(readFileSync(cdkPackageJson, 'utf8')) as { version: string };
  const location = path.join(
    directory,
    `v8-${process.version}-${process.arch}-aws-cdk-lib-${version}-${copyOf(cdkPackageJson)}`,
    'modules.bin',
  );
  const packages = packagesFingerprint(cdkPackageJson);
  const stored = readCacheFile(location);
  if (stored.packages !== packages) stored.resolutions.clear();

  const stats = { hits: 0, misses: 0 };
  const compiled: Array<{ filename: string; fingerprint: Fingerprint; script: vm.Script }> = [];
  const resolved = new Map<string, string>();

  const resolveFilename = loader._resolveFilename;
  loader._resolveFilename = function resolveWithCache(request, parent, isMain, options) {
    // `options` are require.resolve's own lookup paths: not cached.
    if (!parent?.filename || options !== undefined || !IN_SCOPE.test(parent.filename)) {
      return resolveFilename.call(this, request, parent, isMain, options);
    }
    const key = `${path.dirname(parent.filename)}\0${request}`;
    const known = stored.resolutions.get(key);
    if (known !== undefined && isFile(known)) return known;
    const filename = resolveFilename.call(this, request, parent, isMain, options);
    if (path.isAbsolute(filename) && IN_SCOPE.test(filename)) resolved.set(key, filename);
    return filename;
  };

  const compile = loader.prototype._compile;
  loader.prototype._compile = function compileWithCache(content, filename, ...rest) {
    // rest[0] is the format (Node >= 20.19): ES modules and files out of scope are Node's as usual.
    const format = rest[0];
    const fn =
      (format === undefined || format === 'commonjs') && IN_SCOPE.test(filename)
        ? compileCached(content, filename)
        : undefined;
    if (!fn) return compile.call(this, content, filename, ...rest);
    // What Node's _compile does for a module that is not the main one (no policy: see enableCompileCache).
    const exports = this.exports;
    return fn.call(exports, exports, requireFunction(this), this, filename, path.dirname(filename));
  };

  function compileCached(content: string, filename: string): AnyFunction | undefined {
    try {
      const fingerprint = { length: content.length, sha1: sha1Digest(content).toString('hex') };
      const entry = stored.entries.get(filename);
      const data = entry && sameFingerprint(entry, fingerprint) ? codeOf(stored, entry) : undefined;
      const cachedData = data && checksum(data) === entry?.checksum ? data : undefined;
      const script = new vm.Script(WRAPPER_HEAD + content + WRAPPER_TAIL, {
        filename,
        lineOffset: -1,
        ...(cachedData ? { cachedData } : {}),
        ...dynamicImport,
      });
      if (cachedData && !script.cachedDataRejected) {
        stats.hits++;
      } else {
        stats.misses++;
        compiled.push({ filename, fingerprint, script });
      }
      return script.runInThisContext() as AnyFunction;
    } catch {
      return undefined; // a syntax error, an unreadable file: Node compiles it and reports as usual
    }
  }

  function flush(): boolean {
    if (compiled.length === 0 && resolved.size === 0) return false;
    try {
      const code = new Map<string, Fingerprint & { data: Buffer }>();
      for (const [filename, e] of stored.entries) {
        code.set(filename, { length: e.length, sha1: e.sha1, data: codeOf(stored, e) });
      }
      // Taken now, after the modules ran, V8's code includes the functions compiled since: what a synth calls.
      for (const c of compiled) code.set(c.filename, { ...c.fingerprint, data: c.script.createCachedData() });
      const resolutions = new Map([...stored.resolutions, ...resolved]);
      writeCacheFile(location, packages, code, resolutions);
      compiled.length = 0;
      resolved.clear();
      return true;
    } catch {
      return false;
    }
  }

  return { location, stats, flush };
}

/** The `require` Node gives a CommonJS module (its makeRequireFunction, without policy redirects). */
function requireFunction(module: Module): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) =>
    loader._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = loader._extensions;
  require.cache = loader._cache;
  return require;
}

// Node's default loader answers an import() in a cached file (Node >= 20.13; typed loosely because older
// versions have no vm.constants).
const defaultLoader = (vm as unknown as { constants?: { USE_MAIN_CONTEXT_DEFAULT_LOADER?: unknown } })
  .constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
const dynamicImport = defaultLoader
  ? { importModuleDynamically: defaultLoader as vm.ScriptOptions['importModuleDynamically'] }
  : {};

function codeOf(file: CacheFile, entry: Entry): Buffer {
  return file.data.subarray(entry.offset, entry.offset + entry.bytes);
}

/** CRC-32 (zlib.crc32, Node >= 20.15), else the first 32 bits of a SHA-1. */
function checksum(data: Buffer): number {
  const { crc32 } = zlib as { crc32?: (data: Buffer) => number };
  return crc32 ? crc32(data) : sha1Digest(data).readUInt32LE(0);
}

/**
 * Which installed copy a file is (CRC-32 of its path): each copy has cache files of its own. V8's code names the
 * file it was compiled from in stack traces, so copies cannot share code; and one file for every copy would only
 * grow (each checkout, each `npx` version adds ~7 MB of aws-cdk-lib, all read by every synth).
 */
function copyOf(filename: string): string {
  return checksum(Buffer.from(filename)).toString(16).padStart(8, '0');
}

function isFile(filename: string): boolean {
  return statSync(filename, { throwIfNoEntry: false })?.isFile() ?? false;
}

function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.length === b.length && a.sha1 === b.sha1;
}

/** The package.json files of the cached packages (as aws-cdk-lib finds them): an install changes them. */
function packagesFingerprint(cdkPackageJson: string): string {
  const requireFromCdk = Module.createRequire(cdkPackageJson);
  const fingerprints = PACKAGES.map((name) => {
    try {
      const stat = statSync(requireFromCdk.resolve(`${name}/package.json`));
      return [name, stat.size, stat.mtimeMs, stat.ctimeMs];
    } catch {
      return [name];
    }
  });
  const symlinks =
    Boolean(process.env.NODE_PRESERVE_SYMLINKS) || process.execArgv.includes('--preserve-symlinks');
  return JSON.stringify({ fingerprints, symlinks });
}

/*
 * The cache file: a 4-byte little-endian header length, the header (JSON: format, packages, entries by file
 * name with source fingerprint, offset, bytes and checksum; resolutions), then the concatenated code.
 */
function readCacheFile(file: string): CacheFile {
  const empty: CacheFile = {
    packages: '',
    entries: new Map(),
    resolutions: new Map(),
    data: Buffer.alloc(0),
  };
  try {
    const raw = readFileSync(file);
    const headerLength = raw.readUInt32LE(0);
    const header = JSON.parse(raw.subarray(4, 4 + headerLength).toString('utf8')) as {
      format?: unknown;
      packages?: unknown;
      entries?: Record<string, Entry>;
      resolutions?: Record<string, string>;
    };
    if (header.format !== FILE_FORMAT || typeof header.packages !== 'string') return empty;
    const data = raw.subarray(4 + headerLength);
    const entries = new Map<string, Entry>();
    for (const [filename, e] of Object.entries(header.entries ?? {})) {
      const valid =
        [e.length, e.offset, e.bytes, e.checksum].every(Number.isFinite) &&
        typeof e.sha1 === 'string' &&
        e.offset >= 0 &&
        e.bytes > 0 &&
        e.offset + e.bytes <= data.length;
      if (valid) entries.set(filename, e);
    }
    const resolutions = new Map<string, string>();
    for (const [key, filename] of Object.entries(header.resolutions ?? {})) {
      if (typeof filename === 'string' && path.isAbsolute(filename)) resolutions.set(key, filename);
    }
    return { packages: header.packages, entries, resolutions, data };
  } catch {
    return empty; // missing, truncated or corrupted: start afresh (the next flush replaces it)
  }
}

function writeCacheFile(
  file: string,
  packages: string,
  code: Map<string, Fingerprint & { data: Buffer }>,
  resolutions: Map<string, string>,
): void {
  const entries: Record<string, Entry> = {};
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [filename, { data, ...fingerprint }] of code) {
    entries[filename] = { ...fingerprint, offset, bytes: data.length, checksum: checksum(data) };
    chunks.push(data);
    offset += data.length;
  }
  const header = Buffer.from(
    JSON.stringify({ format: FILE_FORMAT, packages, entries, resolutions: Object.fromEntries(resolutions) }),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside and renamed: a reader sees the old file or the new one, never half of one.
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([length, header, ...chunks]));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
