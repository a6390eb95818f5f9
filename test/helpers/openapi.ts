// Checks HTTP answers against an OpenAPI 3.1 document with independent, maintained tools: the document is
// dereferenced by @readme/openapi-parser and its schemas (JSON Schema 2020-12) are applied by ajv + ajv-formats.
import { dereference, validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export is the plugin itself or carries it as .default.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

/** A parsed OpenAPI document (or a part of it), walked by key. */
// biome-ignore lint/suspicious/noExplicitAny: JSON read from a document, checked by the validators, not by types
export type Json = Record<string, any>;

/** @readme/openapi-parser's verdict on a document (a copy: the parser resolves references in place). */
export function validateDocument(document: unknown) {
  return validate(structuredClone(document) as never);
}

export interface Answer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Contract {
  api: Json;
  /** What is wrong with an answer to `method` on `path` (a path template of the document); [] when nothing. */
  problems(path: string, method: string, answer: Answer): string[];
  /** The schema of a request body, compiled. */
  requestValidator(path: string, method: string, mediaType: string): (value: unknown) => boolean;
}

export async function contractOf(document: unknown): Promise<Contract> {
  const api = (await dereference(structuredClone(document) as never)) as Json;
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const compiled = new Map<object, ReturnType<Ajv2020['compile']>>();
  const validator = (schema: object) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(schema, validate);
    }
    return validate;
  };
  const check = (schema: object, value: unknown, where: string): string[] => {
    const validate = validator(schema);
    return validate(value) ? [] : [`${where}: ${ajv.errorsText(validate.errors)}`];
  };
  const operation = (path: string, method: string): Json => {
    const found = api.paths?.[path]?.[method.toLowerCase()];
    if (!found) throw new Error(`The document has no operation ${method} ${path}`);
    return found;
  };

  return {
    api,
    problems(path, method, answer) {
      const response: Json | undefined = operation(path, method).responses?.[String(answer.status)];
      if (!response) return [`${method} ${path}: status ${answer.status} is not documented`];
      const problems: string[] = [];
      for (const [name, header] of Object.entries<Json>(response.headers ?? {})) {
        const raw = answer.headers[name.toLowerCase()];
        const value = Array.isArray(raw) ? raw.join(', ') : raw;
        if (value === undefined) {
          if (header.required) problems.push(`header ${name} is missing`);
        } else problems.push(...check(header.schema, value, `header ${name} (${value})`));
      }
      if (!response.content) {
        if (answer.body.length > 0) problems.push(`a body where the document has none: ${answer.body}`);
        return problems;
      }
      const mediaType = String(answer.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      const content: Json | undefined = response.content[mediaType];
      if (!content) return [...problems, `content type "${mediaType}" is not documented`];
      let body: unknown;
      try {
        body = JSON.parse(answer.body);
      } catch {
        return [...problems, `the body is not JSON: ${answer.body}`];
      }
      return [...problems, ...check(content.schema, body, `body ${answer.body.slice(0, 300)}`)];
    },
    requestValidator(path, method, mediaType) {
      const schema = operation(path, method).requestBody?.content?.[mediaType]?.schema;
      if (!schema) throw new Error(`No ${mediaType} request body for ${method} ${path}`);
      const validate = validator(schema);
      return (value) => validate(value) as boolean;
    },
  };
}
