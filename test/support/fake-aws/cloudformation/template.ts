import { validationError } from '../errors.js';

/**
 * A CloudFormation template and its intrinsic functions: Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select,
 * Fn::Split, Fn::If with Conditions (Fn::Equals/Not/And/Or/Condition), Fn::FindInMap, Fn::GetAZs,
 * Fn::Base64, Fn::ImportValue, Fn::Length, Fn::ToJsonString, pseudo parameters, parameters with defaults.
 */
// biome-ignore lint/suspicious/noExplicitAny: template values are arbitrary JSON
export type Json = any;

export interface ResourceDefinition {
  Type: string;
  Properties?: Record<string, Json>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Json;
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<
    string,
    { Type: string; Default?: Json; AllowedValues?: string[]; NoEcho?: Json; Description?: string }
  >;
  Conditions?: Record<string, Json>;
  Mappings?: Record<string, Record<string, Record<string, Json>>>;
  Resources: Record<string, ResourceDefinition>;
  Outputs?: Record<
    string,
    { Value: Json; Description?: string; Export?: { Name: Json }; Condition?: string }
  >;
  Rules?: Json;
  Transform?: Json;
}

export interface EvalContext {
  parameters: Record<string, string>;
  parameterTypes: Record<string, string>;
  pseudo: Record<string, string>;
  mappings: Template['Mappings'];
  conditions: Record<string, Json>;
  /** Physical id of a resource (Ref), or undefined when it does not exist (yet). */
  ref(logicalId: string): string | undefined;
  getAtt(logicalId: string, attribute: string): Json;
  importValue(name: string): string | undefined;
  isResource(logicalId: string): boolean;
}

/** Removed from the enclosing object or list (Ref AWS::NoValue). */
export const NO_VALUE = Symbol('AWS::NoValue');

export function parseTemplate(body: string): Template {
  let template: Template;
  try {
    template = JSON.parse(body);
  } catch {
    if (/^\s*[{[]/.test(body)) throw validationError('Template format error: JSON not well-formed.');
    throw validationError(
      'Template format error: the fake reads JSON templates only (YAML is not supported)',
    );
  }
  if (
    !template ||
    typeof template !== 'object' ||
    !template.Resources ||
    Object.keys(template.Resources).length === 0
  ) {
    throw validationError('Template format error: At least one Resources member must be defined.');
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (!resource?.Type)
      throw validationError(
        `Template format error: [/Resources/${id}] Every Resources object must contain a Type member.`,
      );
  }
  return template;
}

export function evaluate(value: Json, ctx: EvalContext): Json {
  if (Array.isArray(value)) {
    return value.map((item) => evaluate(item, ctx)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const arg = value[key];
    switch (key) {
      case 'Ref':
        return ref(arg, ctx);
      case 'Fn::GetAtt': {
        const [id, ...attr] = typeof arg === 'string' ? arg.split('.') : evaluate(arg, ctx);
        return ctx.getAtt(id, attr.join('.'));
      }
      case 'Fn::Join': {
        const [delimiter, list] = arg;
        const items = evaluate(list, ctx);
        return (Array.isArray(items) ? items : [items]).join(delimiter);
      }
      case 'Fn::Sub':
        return sub(arg, ctx);
      case 'Fn::Select': {
        const [index, list] = evaluate(arg, ctx);
        const item = (list as Json[])[Number(index)];
        if (item === undefined)
          throw validationError(
            'Template error: Fn::Select cannot select nonexistent value at index ' + index,
          );
        return item;
      }
      case 'Fn::Split': {
        const [delimiter, text] = [arg[0], evaluate(arg[1], ctx)];
        return String(text).split(delimiter);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg;
        return evaluate(condition_(condition, ctx) ? whenTrue : whenFalse, ctx);
      }
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
        return conditionValue(value, ctx);
      case 'Fn::FindInMap': {
        const [map, top, second] = evaluate(arg, ctx);
        const found = ctx.mappings?.[map]?.[top]?.[second];
        if (found === undefined)
          throw validationError(`Template error: Unable to get mapping for ${map}::${top}::${second}`);
        return found;
      }
      case 'Fn::GetAZs': {
        const region = evaluate(arg, ctx) || ctx.pseudo['AWS::Region'];
        return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
      }
      case 'Fn::Base64':
        return Buffer.from(String(evaluate(arg, ctx))).toString('base64');
      case 'Fn::ImportValue': {
        const name = evaluate(arg, ctx);
        const found = ctx.importValue(name);
        if (found === undefined) throw validationError(`No export named ${name} found.`);
        return found;
      }
      case 'Fn::Length':
        return (evaluate(arg, ctx) as Json[]).length;
      case 'Fn::ToJsonString':
        return JSON.stringify(evaluate(arg, ctx));
      case 'Condition':
        if (typeof arg === 'string' && ctx.conditions[arg] !== undefined) return condition_(arg, ctx);
        break;
    }
  }
  const result: Record<string, Json> = {};
  for (const key of keys) {
    const item = evaluate(value[key], ctx);
    if (item !== NO_VALUE) result[key] = item;
  }
  return result;
}

function ref(name: string, ctx: EvalContext): Json {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (name in ctx.pseudo) return ctx.pseudo[name];
  if (name in ctx.parameters) {
    const type = ctx.parameterTypes[name] ?? 'String';
    const raw = ctx.parameters[name] as string;
    return type.startsWith('List<') || type === 'CommaDelimitedList'
      ? raw === ''
        ? []
        : raw.split(',')
      : raw;
  }
  if (ctx.isResource(name)) return ctx.ref(name);
  throw validationError(
    `Template format error: Unresolved resource dependencies [${name}] in the Resources block of the template`,
  );
}

function sub(arg: Json, ctx: EvalContext): string {
  const [text, variables] =
    typeof arg === 'string' ? [arg, {}] : [arg[0] as string, evaluate(arg[1] ?? {}, ctx)];
  return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    if (name.startsWith('!')) return '${' + name.slice(1) + '}';
    if (name in variables) return String(variables[name]);
    if (name.includes('.') && !name.startsWith('AWS::')) {
      const [id, ...attr] = name.split('.');
      return String(ctx.getAtt(id as string, attr.join('.')));
    }
    const value = ref(name, ctx);
    return Array.isArray(value) ? value.join(',') : String(value);
  });
}

function condition_(name: string, ctx: EvalContext): boolean {
  const definition = ctx.conditions[name];
  if (definition === undefined)
    throw validationError(`Template format error: Unresolved condition dependency ${name}`);
  return conditionValue(definition, ctx);
}

function conditionValue(value: Json, ctx: EvalContext): boolean {
  if (typeof value === 'boolean') return value;
  const [key] = Object.keys(value ?? {});
  const arg = value[key as string];
  switch (key) {
    case 'Fn::Equals': {
      const [a, b] = evaluate(arg, ctx);
      return String(a) === String(b);
    }
    case 'Fn::Not':
      return !conditionValue(arg[0], ctx);
    case 'Fn::And':
      return (arg as Json[]).every((item) => conditionValue(item, ctx));
    case 'Fn::Or':
      return (arg as Json[]).some((item) => conditionValue(item, ctx));
    case 'Condition':
      return condition_(arg, ctx);
  }
  throw validationError(`Template error: unsupported condition ${JSON.stringify(value)}`);
}

/** Which resources of the template exist under these parameters (Condition on each resource). */
export function activeResources(template: Template, ctx: EvalContext): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => !resource.Condition || condition_(resource.Condition, ctx))
    .map(([id]) => id);
}

export function conditionHolds(name: string, ctx: EvalContext): boolean {
  return condition_(name, ctx);
}

/**
 * Evaluates with every resource reference left symbolic ("{{Ref:Id}}", "{{GetAtt:Id.Attr}}"): used to
 * compare templates before anything exists, and to find a resource's dependencies.
 */
export function symbolicContext(base: Omit<EvalContext, 'ref' | 'getAtt'>): EvalContext {
  return {
    ...base,
    ref: (id) => `{{Ref:${id}}}`,
    getAtt: (id, attribute) => {
      if (!base.isResource(id)) {
        throw validationError(`Template error: instance of Fn::GetAtt references undefined resource ${id}`);
      }
      return `{{GetAtt:${id}.${attribute}}}`;
    },
    importValue: (name) => base.importValue(name) ?? `{{Import:${name}}}`,
  };
}

/** The logical ids a value refers to (in its symbolic evaluation). */
export function referencedResources(symbolic: Json): Set<string> {
  const found = new Set<string>();
  for (const match of JSON.stringify(symbolic ?? null).matchAll(/\{\{(?:Ref|GetAtt):([A-Za-z0-9]+)/g)) {
    found.add(match[1] as string);
  }
  return found;
}

export function resolveParameters(
  template: Template,
  given: { ParameterKey: string; ParameterValue?: string; UsePreviousValue?: string | boolean }[],
  previous: Record<string, string>,
): Record<string, string> {
  const declared = template.Parameters ?? {};
  const unknown = given.filter((p) => !(p.ParameterKey in declared)).map((p) => p.ParameterKey);
  if (unknown.length > 0)
    throw validationError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, definition] of Object.entries(declared)) {
    const supplied = given.find((p) => p.ParameterKey === name);
    const usePrevious = supplied && String(supplied.UsePreviousValue) === 'true';
    const value = usePrevious ? previous[name] : (supplied?.ParameterValue ?? definition.Default);
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (definition.AllowedValues && !definition.AllowedValues.map(String).includes(text)) {
      throw validationError(`Parameter '${name}' must be one of AllowedValues`);
    }
    values[name] = text;
  }
  if (missing.length > 0) throw validationError(`Parameters: [${missing.join(', ')}] must have values`);
  return values;
}
