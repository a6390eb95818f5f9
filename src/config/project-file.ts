import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { UsageError, UserError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';
import {
  ENVIRONMENT_NAMES,
  type EnvironmentName,
  type ProjectConfig,
  projectSchema,
  type ResolvedEnvironment,
} from './schema.js';

export const PROJECT_FILE = 'serverless-infra.json';

export function projectFilePath(dir = process.cwd()): string {
  return path.join(dir, PROJECT_FILE);
}

/** Reads and validates the project file; `undefined` when there is none. Never modifies the file. */
export async function readProject(file: string): Promise<ProjectConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  return parseProject(text, file);
}

export function parseProject(text: string, file: string): ProjectConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${file} is not valid JSON: ${(error as Error).message}`,
      `Fix the file by hand, or move it away and run \`serverless-infra init\` again.`,
    );
  }
  const parsed = projectSchema.safeParse(data);
  if (!parsed.success) {
    throw new UsageError(
      `${file} is not a valid project file:\n${formatIssues(parsed.error)}`,
      'Fix the named fields (or run `serverless-infra init` with flags to set them).',
    );
  }
  return parsed.data;
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `  - ${issue.path.length ? issue.path.join('.') : '(file)'}: ${issue.message}`)
    .join('\n');
}

/** Loads the project file that every command after `init` needs. */
export async function loadProject(file = projectFilePath()): Promise<ProjectConfig> {
  const project = await readProject(file);
  if (!project) {
    throw new UsageError(`No project file: ${file} does not exist.`, 'Run `serverless-infra init` first.');
  }
  return project;
}

/** Picks the environment named by `--environment`; it may be omitted when the file has only one. */
export function resolveEnvironment(project: ProjectConfig, name: string | undefined): ResolvedEnvironment {
  const names = ENVIRONMENT_NAMES.filter((n) => project.environments[n]);
  if (name === undefined) {
    if (names.length === 1) return { name: names[0]!, ...project.environments[names[0]!]! };
    throw new UsageError(
      `The project file has several environments (${names.join(', ')}): say which one.`,
      `Pass --environment ${names[0]} (or set SERVERLESS_INFRA_ENVIRONMENT).`,
    );
  }
  const match = names.find((n) => n.toLowerCase() === name.toLowerCase());
  if (!match) {
    throw new UsageError(
      `No environment "${name}" in the project file (it has ${names.join(', ')}).`,
      `Pass one of those, or add it with \`serverless-infra init --environment ${name}\`.`,
    );
  }
  return { name: match, ...project.environments[match]! };
}

export function parseEnvironmentName(name: string): EnvironmentName | undefined {
  return ENVIRONMENT_NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
}

/** Serializes with a fixed key order so that the file diffs cleanly in version control. */
export function serializeProject(project: ProjectConfig): string {
  const environments: Record<string, unknown> = {};
  for (const name of ENVIRONMENT_NAMES) {
    const env = project.environments[name];
    if (env) environments[name] = env;
  }
  return `${JSON.stringify({ schemaVersion: project.schemaVersion, environments }, null, 2)}\n`;
}

/** Writes atomically (temporary file + rename): an interrupted write leaves the old file intact. */
export async function writeProject(file: string, project: ProjectConfig): Promise<void> {
  await writeFileAtomic(file, serializeProject(projectSchema.parse(project)));
}
