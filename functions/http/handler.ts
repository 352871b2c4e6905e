/** Builds an entry's middy chain: headers, errors, caller, body, then one call into core. */
import middy from '@middy/core';
import type { Caller, Deps } from '../core/types.js';
import { callerFor } from '../core/roster/authority.js';
import { forbidden, notFound } from '../core/errors.js';
import { NOT_COUNTY } from '../core/county/messages.js';
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
  /** The route as listed in functions/routes.ts, e.g. `GET /api/county/units/{unit}/compliance`. */
  routeKey: string;
}

export type Route<D extends Deps = Deps> = (req: HttpRequest, deps: D) => Promise<Result>;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): Result {
  return { statusCode, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** `deps` picks a richer set of dependencies (the compilation handlers'); it is built on first use. */
/**
 * `county` marks a county route (only county people); `countyMayUse` a route a county person may also
 * call (who am I, the templates). Every other route is a unit's: a county person gets 404 on its
 * reads, as for a record they may not see, and 403 on its writes (DESIGN §14).
 */
export function httpHandler<D extends Deps = Deps>(
  route: Route<D>,
  options: { body?: boolean; deps?: () => D; county?: true; countyMayUse?: true } = {},
) {
  const deps = options.deps ?? (getDeps as () => D);
  const chain = middy<Event, Result, Error, AppContext>()
    .use(securityHeaders())
    .use(problemErrors())
    .use(authenticate(({ issuer, subject }) => callerFor(getRosterStore(), issuer, subject, deps().now())));
  chain.use({
    before: (request) => {
      const caller = request.context.caller!;
      if (options.county && !caller.county) throw forbidden(NOT_COUNTY);
      if (!options.county && !options.countyMayUse && caller.county)
        throw request.event.requestContext?.http?.method === 'GET' ? notFound() : forbidden('县委宣传部只能查看所辖单位的落实情况、考核和台账，不能修改');
    },
  });
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
        routeKey: event.requestContext?.routeKey ?? '',
      },
      deps(),
    ),
  );
}
