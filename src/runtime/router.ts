import type { APIGatewayProxyEvent } from 'aws-lambda';
import { API_ROUTES } from './contract.js';
import { badRequest, notFound } from './errors.js';

export type RouteTemplate = (typeof API_ROUTES)[number]['path'];

export interface RouteMatch {
  template: RouteTemplate;
  methods: readonly string[];
  id: string | undefined;
}

/**
 * The route of an event. API Gateway names it in `resource` (with the id in pathParameters); an event
 * from elsewhere (a proxy resource, a test) is matched on its path.
 */
export function matchRoute(event: APIGatewayProxyEvent): RouteMatch {
  const declared = API_ROUTES.find((route) => route.path === event.resource);
  if (declared) {
    return { template: declared.path, methods: declared.methods, id: event.pathParameters?.id ?? undefined };
  }
  const segments = String(event.path ?? '')
    .split('/')
    .filter(Boolean);
  if (segments[0] === 'items' && segments.length <= 2) {
    const route = API_ROUTES[segments.length === 1 ? 0 : 1];
    return { template: route.path, methods: route.methods, id: segments[1] && decodeSegment(segments[1]) };
  }
  throw notFound('No such route: the API serves /items and /items/{id}.');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest('InvalidId', 'The item id is not a valid URL path segment.');
  }
}
