/**
 * The error family. Each carries the HTTP status and a Chinese detail that is safe to show;
 * the HTTP layer turns them into problem+json in one place.
 */
import type { FieldError } from './templates/schema.js';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    /** Extra members of the problem document (e.g. the current record on a conflict). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

export const validationError = (detail: string, errors: FieldError[] = []) =>
  new AppError(400, 'Bad Request', detail, errors);
export const unauthenticated = (detail = '未登录或登录已失效，请重新登录') =>
  new AppError(401, 'Unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (detail = '没有权限进行此操作') => new AppError(403, 'Forbidden', detail);
export const notFound = (detail = '找不到该资源') => new AppError(404, 'Not Found', detail);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new AppError(409, 'Conflict', detail, undefined, undefined, extra);
export const tooLarge = (detail: string) => new AppError(413, 'Content Too Large', detail);
export const throttled = (retryAfterSeconds = 2) =>
  new AppError(503, 'Service Unavailable', '系统繁忙，请稍后重试', undefined, { 'Retry-After': String(retryAfterSeconds) });
export const storeUnavailable = (retryAfterSeconds = 5) =>
  new AppError(503, 'Service Unavailable', '数据存储暂时无法访问，请稍后重试', undefined, { 'Retry-After': String(retryAfterSeconds) });
/** The handler ran out of time: a 504, with its own words, never "busy". */
export const handlerTimeout = () => new AppError(504, 'Gateway Timeout', '处理超时，请稍后重试；如果是修改或提交，请先刷新查看是否已保存');
/** Too many of a kind at once (a unit's jobs): 429 with when to try again. */
export const tooMany = (detail: string, retryAfterSeconds: number) =>
  new AppError(429, 'Too Many Requests', detail, undefined, { 'Retry-After': String(retryAfterSeconds) });
/** Request bodies are JSON in UTF-8 only. */
export const unsupportedMediaType = (detail: string, path: string, message: string) =>
  new AppError(415, 'Unsupported Media Type', detail, [{ path, message }]);
