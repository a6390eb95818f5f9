import { RemovalPolicy } from 'aws-cdk-lib/core';

/** Production retains stateful resources when they leave the stack; other environments delete them. */
export function removalPolicyFor(retainData: boolean): RemovalPolicy {
  return retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
