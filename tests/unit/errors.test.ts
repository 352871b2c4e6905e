import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { problemErrors, securityHeaders, type AppContext, type Event, type Result } from '../../functions/http/middleware.js';
import { isHandlerTimeout, isStoreBusy, isStoreUnavailable } from '../../functions/store/client.js';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

describe('errors named for what they are', () => {
  it("answers a handler's own timeout with 504 and its own words, never 'busy'", async () => {
    const slow = middy<Event, Result, Error, AppContext>()
      .use(securityHeaders())
      .use(problemErrors())
      .handler(() => new Promise<Result>((resolve) => setTimeout(() => resolve({ statusCode: 200, body: '' }), 500)));
    const context = { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 60 } as unknown as Context & AppContext;
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = (await slow({ requestContext: {} } as Event, context)) as Result & { body: string; headers: Record<string, string> };
    log.mockRestore();
    expect(res.statusCode).toBe(504);
    expect(res.headers['Content-Type']).toContain('application/problem+json');
    expect(res.headers['Retry-After']).toBeUndefined();
    const body = JSON.parse(res.body);
    expect(body.detail).toContain('处理超时');
    expect(body.detail).not.toContain('繁忙');
  });

  it('tells middy’s timeout from the SDK’s socket timeout, which share a name', () => {
    const middyTimeout = named('TimeoutError', { cause: { package: '@middy/core' } });
    const socketTimeout = named('TimeoutError');
    expect([isHandlerTimeout(middyTimeout), isStoreBusy(middyTimeout), isStoreUnavailable(middyTimeout)]).toEqual([true, false, false]);
    expect([isHandlerTimeout(socketTimeout), isStoreBusy(socketTimeout), isStoreUnavailable(socketTimeout)]).toEqual([false, false, true]);
  });

  it.each(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TooManyRequestsException'])(
    'counts %s as busy, as the SDK’s retry strategy does',
    (name) => {
      expect(isStoreBusy(named(name))).toBe(true);
      expect(isStoreUnavailable(named(name))).toBe(false);
    },
  );

  it('counts refused connections and 5xx answers as unavailable, and nothing else as either', () => {
    expect(isStoreUnavailable(named('Error', { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStoreUnavailable(named('InternalServerError', { $metadata: { httpStatusCode: 500 } }))).toBe(true);
    for (const e of [named('ValidationException', { $metadata: { httpStatusCode: 400 } }), named('ConditionalCheckFailedException'), named('TypeError')]) {
      expect(isStoreBusy(e)).toBe(false);
      expect(isStoreUnavailable(e)).toBe(false);
    }
  });
});
