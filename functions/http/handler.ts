/** Builds an entry's middy chain: headers, errors, caller, body, then one call into core. */
import middy from '@middy/core';
import type { Caller, Deps } from '../core/types.js';
import { callerFor } from '../core/roster/authority.js';
import { getDeps, getRosterStore } from '../deps.js';
import {
  authenticate,
  header,
  jsonBody,
  problemErrors,
  securityHeaders,
  type AppContext,
  type Event,
  type Result,
} from './middleware.js';

export interface HttpRequest {
  caller: Caller;
  body: unknown;
  /** The body's bytes as sent (a binary upload arrives base64-encoded, as API Gateway passes it). */
  raw(): Buffer;
  params: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  header(name: string): string | undefined;
}

export type Route<D extends Deps = Deps> = (req: HttpRequest, deps: D) => Promise<Result>;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): Result {
  return { statusCode, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** `deps` picks a richer set of dependencies (the compilation handlers'); it is built on first use. */
export function httpHandler<D extends Deps = Deps>(route: Route<D>, options: { body?: boolean; deps?: () => D } = {}) {
  const deps = options.deps ?? (getDeps as () => D);
  const chain = middy<Event, Result, Error, AppContext>()
    .use(securityHeaders())
    .use(problemErrors())
    .use(authenticate(({ issuer, subject }) => callerFor(getRosterStore(), issuer, subject, deps().now())));
  if (options.body) chain.use(jsonBody());
  return chain.handler((event, context) =>
    route(
      {
        caller: context.caller!,
        body: context.body,
        raw: () => Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
        params: event.pathParameters ?? {},
        query: event.queryStringParameters ?? {},
        header: (name) => header(event, name),
      },
      deps(),
    ),
  );
}
