/**
 * `serverless-infra audit`: the security checks of the synthesized stack in one report. cdk-nag
 * (AwsSolutions), cfn-lint and the IAM wildcard walk; each finding says whether it is acknowledged and why.
 * Loads aws-cdk-lib: import this module lazily.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { App } from 'aws-cdk-lib/core';
import type { ResolvedEnvironment } from '../config/schema.js';
import { createApp } from '../synth/app.js';
import { prepareHandlerCode } from '../synth/handler-code.js';
import type { ServerlessStack } from '../synth/stack.js';
import { runCfnLint } from './cfn-lint.js';
import { walkIam } from './iam-walk.js';
import { runNag } from './nag.js';

export interface AuditFinding {
  source: 'cdk-nag' | 'cfn-lint' | 'iam';
  rule: string;
  level: 'error' | 'warning' | 'info';
  /** Construct path (cdk-nag) or logical id (cfn-lint, iam). */
  resource: string;
  message: string;
  acknowledged: boolean;
  reason: string | null;
}

export interface AuditReport {
  environment: string;
  stackName: string;
  findings: AuditFinding[];
  cfnLint: { ran: boolean; note: string | null };
  summary: { findings: number; acknowledged: number; unacknowledged: number; lintErrors: number };
  /** No unacknowledged cdk-nag or IAM finding and no cfn-lint error. */
  passed: boolean;
}

/** Synthesizes the environment's stack (offline, into a temporary directory) and audits it. */
export async function auditEnvironment(env: ResolvedEnvironment, projectDir: string): Promise<AuditReport> {
  const code = await prepareHandlerCode(env.handler, projectDir, undefined, { smokeTest: env.smokeTest });
  const outdir = await mkdtemp(path.join(tmpdir(), 'serverless-infra-audit-'));
  try {
    const { app, stack } = createApp(env, code, { outdir });
    return await auditApp(app, stack, env.name);
  } finally {
    await code.dispose();
    await rm(outdir, { recursive: true, force: true });
  }
}

/** Audits an App holding the stack (the app must not have been synthesized yet). */
export async function auditApp(app: App, stack: ServerlessStack, environment: string): Promise<AuditReport> {
  const artifact = app.synth().getStackByName(stack.stackName);
  const findings: AuditFinding[] = [];

  for (const f of runNag(stack)) {
    findings.push({
      source: 'cdk-nag',
      rule: f.rule,
      level: f.level,
      resource: f.path,
      message: f.message,
      acknowledged: f.acknowledged !== undefined,
      reason: f.acknowledged?.reason ?? null,
    });
  }
  for (const f of walkIam(artifact.template)) {
    findings.push({
      source: 'iam',
      rule: f.rule,
      level: 'error',
      resource: `${f.logicalId} (${f.type})`,
      message: f.message,
      acknowledged: f.acknowledged !== undefined,
      reason: f.acknowledged ? `${f.acknowledged.id}: ${f.acknowledged.reason}` : null,
    });
  }
  const lint = await runCfnLint(artifact.templateFullPath);
  if (lint.ran) {
    for (const f of lint.findings) {
      findings.push({
        source: 'cfn-lint',
        rule: f.rule,
        level: f.level,
        resource: f.resource,
        message: f.message,
        acknowledged: false,
        reason: null,
      });
    }
  }

  const failing = (f: AuditFinding) => (f.source === 'cfn-lint' ? f.level === 'error' : !f.acknowledged);
  const acknowledged = findings.filter((f) => f.acknowledged).length;
  const lintErrors = findings.filter((f) => f.source === 'cfn-lint' && f.level === 'error').length;
  const unacknowledged = findings.filter((f) => f.source !== 'cfn-lint' && !f.acknowledged).length;
  return {
    environment,
    stackName: stack.stackName,
    findings,
    cfnLint: { ran: lint.ran, note: lint.ran ? null : lint.note },
    summary: { findings: findings.length, acknowledged, unacknowledged, lintErrors },
    passed: !findings.some(failing),
  };
}
