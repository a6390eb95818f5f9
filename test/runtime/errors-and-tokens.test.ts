import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError, toErrorResult } from '../../src/runtime/errors.js';
import { decodePageToken, encodePageToken, type ShardCursor } from '../../src/runtime/page-token.js';

describe('toErrorResult', () => {
  it('maps an ApiError to its status and code, with its headers', () => {
    const { result, unexpected } = toErrorResult(
      new ApiError(405, 'MethodNotAllowed', 'no', { Allow: 'GET' }),
      'r',
    );
    expect(unexpected).toBe(false);
    expect(result).toEqual({
      statusCode: 405,
      headers: { Allow: 'GET' },
      body: JSON.stringify({ error: { code: 'MethodNotAllowed', message: 'no' } }),
    });
  });

  it('maps store throttling to a retryable 503', () => {
    const throttled = Object.assign(new Error('slow down'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const { result, unexpected } = toErrorResult(throttled, 'r1');
    expect(unexpected).toBe(false);
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'Retry-After': '1' });
    expect(JSON.parse(result.body).error).toMatchObject({ code: 'ServiceUnavailable', requestId: 'r1' });
  });

  it('hides everything about an unexpected error but the request id', () => {
    const { result, unexpected } = toErrorResult(new TypeError('secret table arn:aws:dynamodb:x'), 'r2');
    expect(unexpected).toBe(true);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('secret');
    expect(JSON.parse(result.body).error).toMatchObject({ code: 'InternalError', requestId: 'r2' });
  });
});

const cursor: fc.Arbitrary<ShardCursor> = fc.oneof(
  fc.constant('start' as const),
  fc.constant('done' as const),
  fc.record({
    createdAt: fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    id: fc.uuid({ version: 4 }),
  }),
);

describe('page tokens', () => {
  it('decode to what was encoded', () => {
    fc.assert(
      fc.property(fc.array(cursor, { minLength: 4, maxLength: 4 }), (cursors) => {
        const token = encodePageToken({ status: 'active', cursors });
        expect(decodePageToken(token, 'active', 4)).toEqual({ status: 'active', cursors });
      }),
    );
  });

  it('refuse any change to a token with a 400, never anything else', () => {
    fc.assert(
      fc.property(
        fc.array(cursor, { minLength: 4, maxLength: 4 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 3 }),
        (cursors, at, insert) => {
          const token = encodePageToken({ status: 'active', cursors });
          const position = at % token.length;
          const tampered = token.slice(0, position) + insert + token.slice(position + 1);
          try {
            const decoded = decodePageToken(tampered, 'active', 4);
            // A change that still decodes must still be a well-formed token of this listing.
            expect(decoded.cursors).toHaveLength(4);
          } catch (error) {
            expect(error).toBeInstanceOf(ApiError);
            expect((error as ApiError).status).toBe(400);
            expect((error as ApiError).code).toBe('InvalidNextToken');
          }
        },
      ),
    );
  });
});
