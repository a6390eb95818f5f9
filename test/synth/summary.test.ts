// What `synth` reports about an assembly: counts, size, assets, construct warnings; construct errors refused.
import { readFileSync } from 'node:fs';
import { Annotations } from 'aws-cdk-lib/core';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { TEMPLATE_BODY_LIMIT } from '../../src/stack-contract.js';
import { createApp, messagesOf } from '../../src/synth/app.js';
import { assertNoConstructErrors, summarize } from '../../src/synth/summary.js';
import { DEVELOPMENT, RUNTIME_CODE, tempDir } from './synth-fixtures.js';

function synthWith(annotate: (stack: ReturnType<typeof createApp>['stack']) => void) {
  const { app, stack } = createApp(DEVELOPMENT, RUNTIME_CODE, { outdir: tempDir('summary') });
  annotate(stack);
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  return { assembly, stack: artifact, messages: messagesOf(artifact) };
}

describe('synth summary', () => {
  it('counts resources by type, measures the template, lists the code asset and construct warnings', () => {
    const result = synthWith((stack) =>
      Annotations.of(stack.cdn).addWarningV2('test:warning', 'a warning a user should read'),
    );
    const summary = summarize(result);
    const template = JSON.parse(readFileSync(summary.templateFile, 'utf8'));
    expect(summary.resourceCount).toBe(Object.keys(template.Resources).length);
    // The items API's function and the release's smoke-test hook.
    expect(summary.resourcesByType['AWS::Lambda::Function']).toBe(2);
    // As deploy sends it (compact JSON): the size CloudFormation's inline limit applies to, not the indented file.
    expect(summary.templateBytes).toBe(Buffer.byteLength(JSON.stringify(template)));
    expect(summary.templateBytes).toBeLessThan(readFileSync(summary.templateFile).length);
    expect(summary.inlineTemplateLimit).toBe(TEMPLATE_BODY_LIMIT);
    expect(summary.assets).toEqual([
      expect.objectContaining({ name: 'Compute/Function/Code', packaging: 'zip', bytes: expect.any(Number) }),
      expect.objectContaining({
        name: 'SmokeHook/Function/Code',
        packaging: 'zip',
        bytes: expect.any(Number),
      }),
    ]);
    expect(summary.assets[0]!.bytes).toBeGreaterThan(0);
    expect(summary.warnings).toEqual([
      expect.objectContaining({ level: 'warning', path: '/ServerlessInfra-Development/Cdn' }),
    ]);
    expect(summary.warnings[0]!.message).toContain('a warning a user should read');
    expect(() => assertNoConstructErrors(result.messages)).not.toThrow();
  });

  it('construct error annotations stop the synth, naming each construct (pinned annotationsInValidationReport)', () => {
    expect(() =>
      synthWith((stack) => {
        Annotations.of(stack.api).addError('first problem');
        Annotations.of(stack.release).addError('second problem');
      }),
    ).toThrow(/first problem[\s\S]*ServerlessInfra-Development\/Api[\s\S]*second problem[\s\S]*\/Release/);
  });

  it('construct errors reported as messages are refused in one message naming each construct', () => {
    const error = (() => {
      try {
        assertNoConstructErrors([
          { level: 'warning', path: '/S/Cdn', message: 'only a warning' },
          { level: 'error', path: '/S/Api', message: 'first problem' },
          { level: 'error', path: '/S/Release', message: 'second problem' },
        ]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      'The stack has 2 errors:\n  /S/Api: first problem\n  /S/Release: second problem',
    );
  });
});
