import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which AWS operations the CLI's source calls: every `new X(` / `new Ns.X(` where X is a command of an
 * `@aws-sdk/*` package, imported statically, by `import * as Ns`, or by `await import(...)` (destructured,
 * renamed or as a namespace). A `new …Command(` whose package cannot be told is reported, not skipped.
 */
export interface SourceCall {
  /** botocore's service name (`cloudformation`, `cognito-idp`, …). */
  service: string;
  operation: string;
  file: string;
}

/** npm package -> botocore service name. */
const SERVICES: Record<string, string> = {
  '@aws-sdk/client-cloudformation': 'cloudformation',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-cloudwatch-logs': 'logs',
  '@aws-sdk/client-codedeploy': 'codedeploy',
  '@aws-sdk/client-cognito-identity-provider': 'cognito-idp',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
};

/** lib-dynamodb's document commands send these DynamoDB operations. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

export function callsInText(text: string, file: string): { calls: SourceCall[]; unknown: string[] } {
  const named = new Map<string, string>();
  const namespaces = new Map<string, string>();
  const bind = (names: string, pkg: string) => {
    for (const part of names.split(',')) {
      const [imported, local] = part
        .replace(/\btype\s+/, '')
        .split(/\s+as\s+|\s*:\s*/)
        .map((s) => s.trim());
      if (imported) named.set(local || imported, `${pkg}#${imported}`);
    }
  };
  for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g))
    bind(m[1]!, m[2]!);
  for (const m of text.matchAll(/const\s*\{([^}]*)\}\s*=\s*await\s+import\(\s*'(@aws-sdk\/[^']+)'\s*\)/g))
    bind(m[1]!, m[2]!);
  for (const m of text.matchAll(/import\s+\*\s+as\s+(\w+)\s+from\s*'(@aws-sdk\/[^']+)'/g))
    namespaces.set(m[1]!, m[2]!);
  for (const m of text.matchAll(/(?:const|let)\s+(\w+)\s*=\s*await\s+import\(\s*'(@aws-sdk\/[^']+)'\s*\)/g))
    namespaces.set(m[1]!, m[2]!);

  const calls: SourceCall[] = [];
  const unknown: string[] = [];
  for (const m of text.matchAll(/new\s+(?:(\w+)\.)?(\w+)\s*\(/g)) {
    const [, ns, name] = m as unknown as [string, string | undefined, string];
    const origin = ns ? namespaces.get(ns) : named.get(name)?.split('#')[0];
    const imported = ns ? name : named.get(name)?.split('#')[1];
    if (!imported?.endsWith('Command')) {
      // Not a command of an @aws-sdk package; one that looks like a command is reported.
      if (name.endsWith('Command') && name !== 'Command')
        unknown.push(`${file}: new ${ns ? `${ns}.` : ''}${name}`);
      continue;
    }
    const pkg = origin && SERVICES[origin] ? origin : undefined;
    const command = imported.replace(/Command$/, '');
    const operation = pkg === '@aws-sdk/lib-dynamodb' ? DOCUMENT_COMMANDS[command] : command;
    if (!pkg || !operation) unknown.push(`${file}: ${imported} from ${origin}`);
    else calls.push({ service: SERVICES[pkg] as string, operation, file });
  }
  return { calls, unknown };
}

export function callsInSource(root: string): { calls: SourceCall[]; unknown: string[] } {
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );
  const calls: SourceCall[] = [];
  const unknown: string[] = [];
  for (const f of files) {
    const file = `src/${f.split('\\').join('/')}`;
    const found = callsInText(readFileSync(join(root, file), 'utf8'), file);
    calls.push(...found.calls);
    unknown.push(...found.unknown);
  }
  return { calls, unknown };
}
