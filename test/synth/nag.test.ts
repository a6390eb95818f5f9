// cdk-nag v3, AwsSolutions: no unacknowledged finding; every acknowledgement carries a reason.

import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Validations } from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import type { ResolvedEnvironment } from '../../src/config/schema.js';
import { createApp } from '../../src/synth/app.js';
import { DEVELOPMENT, PRODUCTION, RUNTIME_CODE, tempDir } from './synth-fixtures.js';

function appWithNag(env: ResolvedEnvironment) {
  const built = createApp(env, RUNTIME_CODE, { outdir: tempDir('nag') });
  Validations.of(built.app).addPlugins(new AwsSolutionsChecks(built.app));
  return built;
}

function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: unknown }> {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  for (const env of [PRODUCTION, DEVELOPMENT]) {
    it(`${env.name}: no unacknowledged finding, and each acknowledgement has a reason`, () => {
      const { app } = appWithNag(env);
      expect(() => app.synth()).not.toThrow();
      const acks = acknowledgements(app);
      expect(acks.length).toBeGreaterThan(0);
      for (const ack of acks) {
        expect(typeof ack.reason, `${ack.path} ${ack.id}`).toBe('string');
        expect((ack.reason as string).length, `${ack.path} ${ack.id}`).toBeGreaterThan(30);
      }
    });
  }

  it('a resource wildcard outside the allow-list is reported, not silently acknowledged', () => {
    const { app, stack } = appWithNag(DEVELOPMENT);
    stack.compute.function.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Scan'], resources: [`${stack.data.table.tableArn}/*`] }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::<DataTable\w+\.Arn>\/\*\]/);
  });
});
