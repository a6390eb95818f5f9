/**
 * Resource Groups Tagging API (awsJson1_1, `ResourceGroupsTaggingAPI_20170126.<Operation>`), GetResources only:
 * what the real-account suite's leftover check calls (test/real-aws/scenario.ts).
 *
 * The resources live in two places, so the answer comes from both: moto (S3 buckets, DynamoDB tables, SNS
 * topics, KMS keys, CloudWatch alarms, which a stack creates there; moto implements resourcegroupstaggingapi
 * for them and is asked with the same request) and the fake itself (CloudFormation stacks, Lambda functions).
 *
 * Semantics from the API reference, GetResources
 * (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html):
 * - TagFilters: a resource must match every filter; within a filter, any of its Values, or any value when
 *   Values is empty ("returns resources tagged with any tag with the key").
 * - ResourceTypeFilters: `service` or `service:resourceType` ("ec2", "ec2:instance").
 * - PaginationToken: "A null value [or empty] indicates that there are no more results": one page here, "".
 * Not modelled: ResourceARNList, TagsPerPage, ResourcesPerPage, compliance details. Resources the fake keeps
 * only in a stack's record (IAM, API Gateway, CloudFront, Logs, Cognito) are not listed: AWS would list those
 * it supports (not IAM roles: "The GetResources operation does not currently support IAM users and roles").
 */
import type { IncomingMessage } from 'node:http';
import { AwsError } from './errors.js';
import type { ScopedServices } from './scope.js';

export const TAGGING_TARGET_PREFIX = 'ResourceGroupsTaggingAPI_20170126';

interface Tag {
  Key: string;
  Value: string;
}
interface Mapping {
  ResourceARN: string;
  Tags: Tag[];
}
interface GetResourcesInput {
  TagFilters?: Array<{ Key: string; Values?: string[] }>;
  ResourceTypeFilters?: string[];
  ResourceARNList?: string[];
}

export async function taggingOperation(
  operation: string,
  input: GetResourcesInput,
  context: { services: ScopedServices; motoEndpoint: string; request: IncomingMessage; body: Buffer },
): Promise<{ PaginationToken: string; ResourceTagMappingList: Mapping[] }> {
  if (operation !== 'GetResources')
    throw new AwsError(
      'InvalidAction',
      `fake-aws: Resource Groups Tagging API ${operation} is not implemented`,
    );
  if (input.ResourceARNList && input.TagFilters)
    throw new AwsError(
      'InvalidParameterException',
      'You can only specify one of the following parameters: ResourceARNList, TagFilters',
    );
  const fromMoto = await askMoto(context.motoEndpoint, context.request, context.body);
  const { cloudformation, lambda } = context.services;
  const own: Mapping[] = [...cloudformation.taggedStacks(), ...lambda.taggedFunctions()].map((r) => ({
    ResourceARN: r.arn,
    Tags: r.tags,
  }));
  const mappings = [...fromMoto, ...own.filter((m) => matches(m, input))];
  return { PaginationToken: '', ResourceTagMappingList: mappings };
}

function matches(mapping: Mapping, input: GetResourcesInput): boolean {
  const tagsOk = (input.TagFilters ?? []).every((filter) =>
    mapping.Tags.some(
      (t) => t.Key === filter.Key && (!filter.Values?.length || filter.Values.includes(t.Value)),
    ),
  );
  // arn:partition:service:region:account:resource-type/...
  const [, , service, , , resource = ''] = mapping.ResourceARN.split(':');
  const resourceType = resource.split('/')[0];
  const typesOk =
    !input.ResourceTypeFilters?.length ||
    input.ResourceTypeFilters.some((f) => f === service || f === `${service}:${resourceType}`);
  return tagsOk && typesOk && (!input.ResourceARNList || input.ResourceARNList.includes(mapping.ResourceARN));
}

/** moto's own answer for the resources it holds, every page of it (the fake answers in one page). */
async function askMoto(moto: string, request: IncomingMessage, body: Buffer): Promise<Mapping[]> {
  const input = JSON.parse(body.length ? body.toString() : '{}') as Record<string, unknown>;
  const all: Mapping[] = [];
  let token: string | undefined;
  do {
    const answer = await fetch(moto, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${TAGGING_TARGET_PREFIX}.GetResources`,
        authorization: String(request.headers.authorization ?? ''),
      },
      body: JSON.stringify({ ...input, ...(token ? { PaginationToken: token } : {}) }),
    });
    const text = await answer.text();
    if (!answer.ok)
      throw new AwsError('InternalServiceException', `moto answered ${answer.status}: ${text}`, 500);
    const page = JSON.parse(text) as { PaginationToken?: string; ResourceTagMappingList?: Mapping[] };
    all.push(...(page.ResourceTagMappingList ?? []));
    token = page.PaginationToken || undefined;
  } while (token);
  return all;
}
