import type * as cdk from 'aws-cdk-lib/core';
import { requireCdk } from '../cdk-modules.js';

const { RemovalPolicy } = requireCdk('aws-cdk-lib/core') as typeof cdk;

/** Production retains stateful resources when they leave the stack; other environments delete them. */
export function removalPolicyFor(retainData: boolean): cdk.RemovalPolicy {
  return retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
