/**
 * Compiles a form template into the zod schema that both the API and the web form validate
 * with. Messages are Chinese and every issue carries the path of the field it concerns.
 *
 * Written with `zod/mini`, zod's functional build over the same core as the classic API: the
 * browser loads it with the form pages (about 7 KB gzipped rather than 27 KB), and the API gets
 * the very same checks, issues and messages (the config below is the shared core's, so it also
 * applies to the classic schemas of the request envelopes).
 */
import * as z from 'zod/mini';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { validationError } from '../errors.js';
import { findPerson, holdsRole } from '../roster/organisation.js';
import { addDays, parseCalendarDate } from '../periods.js';
import type { Field, FormTemplate, Organisation } from './templates.js';
import { ROLE_LABELS } from './vocabulary.js';

// Every message a user can see is Chinese: zod's own zh-CN locale for envelopes and query
// strings, and a plainer word for the commonest case, a missing value.
z.config(zhCN());
z.config({
  customError: (iss) => (iss.code === 'invalid_type' && iss.input === undefined ? '此项为必填项' : undefined),
});

export interface SchemaContext {
  org: Organisation;
  /** Today in Asia/Shanghai, `YYYY-MM-DD`: the activity date may not lie after it. */
  today: string;
}

/** The earliest date any record may carry; earlier is a typing mistake, not history we keep. */
export const EARLIEST_DATE = '2000-01-01';
/** How far ahead a planned date (a deadline) may reach. */
const FUTURE_YEARS = 5;

export interface FieldError {
  path: string;
  message: string;
}

const TEXT_DEFAULT_MAX = 200;
const LONGTEXT_DEFAULT_MAX = 5000;
// C0 controls other than tab and newlines, DEL, and lone UTF-16 surrogates never belong in a record.
const BAD_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NEWLINE = /[\r\n\u0085\u2028\u2029]/;

const typeName: Record<string, string> = {
  string: '文本',
  number: '数字',
  boolean: '是/否',
  array: '列表',
  object: '对象',
};

function describe(value: unknown): string {
  if (value === null) return '空值';
  if (Array.isArray(value)) return '列表';
  return typeName[typeof value] ?? typeof value;
}

/** A message for a wrong or missing value, so zod's English never reaches a user. */
function typeError(expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? '此项为必填项' : `应为${expected}，收到的是${describe(issue.input)}`;
}

function textSchema(f: Field): z.ZodMiniType<string> {
  const long = f.type === 'longtext';
  const max = f.maxLength ?? (long ? LONGTEXT_DEFAULT_MAX : TEXT_DEFAULT_MAX);
  const min = Math.max(f.minLength ?? 0, f.required ? 1 : 0);
  return z.string({ error: typeError('文本') }).check(z.superRefine((s, ctx) => {
    if (BAD_CHARS.test(s)) ctx.addIssue({ code: 'custom', message: '含有不允许的控制字符或无效字符' });
    else if (!long && NEWLINE.test(s)) ctx.addIssue({ code: 'custom', message: '单行文本不能换行' });
    const length = [...s].length;
    if (f.required && s.trim() === '') ctx.addIssue({ code: 'custom', message: '此项为必填项' });
    else if (length < min) ctx.addIssue({ code: 'custom', message: `至少 ${min} 个字` });
    if (length > max) ctx.addIssue({ code: 'custom', message: `最多 ${max} 个字，现有 ${length} 个字` });
  }));
}

function dateSchema(f: Field, form: FormTemplate, today: string): z.ZodMiniType<string> {
  const activity = f.key === form.dateField;
  const latest = activity ? today : addDays(today, 365 * FUTURE_YEARS);
  return z.string({ error: typeError('日期') }).check(z.superRefine((s, ctx) => {
    if (!parseCalendarDate(s)) {
      ctx.addIssue({ code: 'custom', message: '应为有效日期，格式为 YYYY-MM-DD' });
    } else if (s < EARLIEST_DATE) {
      ctx.addIssue({ code: 'custom', message: `日期不能早于 ${EARLIEST_DATE}` });
    } else if (s > latest) {
      ctx.addIssue({ code: 'custom', message: activity ? '日期不能晚于今天' : `日期不能晚于 ${latest}` });
    }
  }));
}

function numberSchema(f: Field): z.ZodMiniType<number> {
  const integer = f.type === 'integer';
  const base = z.number({ error: typeError(integer ? '整数' : '数字') });
  return base.check(z.superRefine((n, ctx) => {
    if (!Number.isFinite(n)) return ctx.addIssue({ code: 'custom', message: '应为有限的数字' });
    if (integer && !Number.isSafeInteger(n)) return ctx.addIssue({ code: 'custom', message: '应为整数' });
    // DynamoDB keeps numbers between 1E-130 and 1E+126 in magnitude; outside that a write would fail.
    if (n !== 0 && Math.abs(n) < 1e-130) return ctx.addIssue({ code: 'custom', message: '数值过小' });
    if (Math.abs(n) >= 1e125) return ctx.addIssue({ code: 'custom', message: '数值过大' });
    if (f.min !== undefined && n < f.min) ctx.addIssue({ code: 'custom', message: `不能小于 ${f.min}` });
    if (f.max !== undefined && n > f.max) ctx.addIssue({ code: 'custom', message: `不能大于 ${f.max}` });
  }));
}

function listSchema(f: Field, item: z.ZodMiniType<string>): z.ZodMiniType<string[]> {
  return z.array(item, { error: typeError('列表') }).check(z.superRefine((xs, ctx) => {
    if (new Set(xs).size !== xs.length) ctx.addIssue({ code: 'custom', message: '不能重复选择' });
    const min = Math.max(f.minLength ?? 0, f.required ? 1 : 0);
    if (xs.length < min) ctx.addIssue({ code: 'custom', message: min === 1 ? '至少选择 1 项' : `至少选择 ${min} 项` });
    if (f.maxLength !== undefined && xs.length > f.maxLength)
      ctx.addIssue({ code: 'custom', message: `最多选择 ${f.maxLength} 项` });
  }));
}

/** A row's stable id: kept across edits, so what a row became (a rectification item) stays linked to it. */
export const ROW_ID = /^[a-z0-9]{1,26}$/;

/** Repeated rows of sub-fields: each row an object of its sub-fields and an optional `id`. */
function rowsSchema(f: Field, form: FormTemplate, ctx: SchemaContext): z.ZodMiniType {
  const shape: Record<string, z.ZodMiniType> = {
    id: z.optional(z.string({ error: typeError('行编号') }).check(z.regex(ROW_ID, '行编号应为 1–26 个小写字母或数字'))),
  };
  for (const sub of f.fields ?? []) {
    // A sub-field is never the activity date, even if its key matches the form's date field.
    const s = fieldSchema({ ...sub, key: `${f.key}.${sub.key}` } as Field, form, ctx);
    shape[sub.key] = sub.required ? s : z.optional(s);
  }
  const row = z.strictObject(shape, { error: (iss) => (iss.code === 'invalid_type' ? `每行应为对象，收到的是${describe(iss.input)}` : undefined) });
  return z.array(row, { error: typeError('列表') }).check(z.superRefine((rows, rc) => {
    const min = Math.max(f.minLength ?? 0, f.required ? 1 : 0);
    if (rows.length < min) rc.addIssue({ code: 'custom', message: `至少填写 ${min} 行` });
    if (f.maxLength !== undefined && rows.length > f.maxLength) rc.addIssue({ code: 'custom', message: `最多 ${f.maxLength} 行，现有 ${rows.length} 行` });
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      const id = (r as { id?: string }).id;
      if (id === undefined) return;
      if (seen.has(id)) rc.addIssue({ code: 'custom', path: [i, 'id'], message: '行编号重复' });
      seen.add(id);
    });
  }));
}

function fieldSchema(f: Field, form: FormTemplate, ctx: SchemaContext): z.ZodMiniType {
  const personId = z.string({ error: typeError('人员编号') }).check(z.refine((id) => findPerson(ctx.org, id) !== undefined, {
    message: '组织中没有这个人员',
  }));
  switch (f.type) {
    case 'text':
    case 'longtext':
      return textSchema(f);
    case 'date':
      return dateSchema(f, form, ctx.today);
    case 'number':
    case 'integer':
      return numberSchema(f);
    case 'boolean':
      return z.boolean({ error: typeError('是/否') });
    case 'select':
      return z.string({ error: typeError('选项') }).check(z.refine((v) => f.options!.includes(v), {
        message: `应为以下选项之一：${f.options!.join('、')}`,
      }));
    case 'multiselect':
      return listSchema(
        f,
        z.string({ error: typeError('选项') }).check(z.refine((v) => f.options!.includes(v), {
          message: `应为以下选项之一：${f.options!.join('、')}`,
        })),
      );
    case 'person':
      return personId;
    case 'people':
      return listSchema(f, personId);
    case 'division':
      return z.string({ error: typeError('科室编号') }).check(z.refine((id) => ctx.org.divisions.some((d) => d.id === id), {
        message: '组织中没有这个科室',
      }));
    case 'rows':
      return rowsSchema(f, form, ctx);
  }
}

/** The zod schema for a record's `data` under this template. Unknown keys are rejected. */
export function compileSchema(form: FormTemplate, ctx: SchemaContext): z.ZodMiniType<Record<string, unknown>> {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const f of form.fields) {
    const s = fieldSchema(f, form, ctx);
    shape[f.key] = f.required ? s : z.optional(s);
  }
  const byKey = new Map(form.fields.map((f) => [f.key, f]));
  return z
    .strictObject(shape, { error: (iss) => (iss.code === 'invalid_type' ? `应为对象，收到的是${describe(iss.input)}` : undefined) })
    .check(z.superRefine((data, rc) => {
      const date = data[form.dateField] as string | undefined;
      for (const f of form.fields) {
        const value = data[f.key];
        if (!f.roles || value === undefined || !date || !parseCalendarDate(date)) continue;
        const ids = Array.isArray(value) ? (value as string[]) : [value as string];
        ids.forEach((id, i) => {
          const person = findPerson(ctx.org, id);
          if (person && !f.roles!.some((r) => holdsRole(person, r, date)))
            rc.addIssue({
              code: 'custom',
              path: Array.isArray(value) ? [f.key, i] : [f.key],
              message: `${person.name}在${date}不是${f.roles!.map((r) => ROLE_LABELS[r]).join('或')}`,
            });
        });
      }
      for (const rule of form.rules) {
        if (rule.kind === 'requiredIf') {
          const v = data[rule.field];
          if (data[rule.when] === rule.equals && (v === undefined || (typeof v === 'string' && v.trim() === '')))
            rc.addIssue({ code: 'custom', path: [rule.field], message: rule.message });
          continue;
        }
        const a = data[rule.field];
        const b = data[rule.other];
        if (a === undefined || b === undefined) continue;
        const kind = byKey.get(rule.field)?.type;
        if (kind === 'date' && (!parseCalendarDate(a as string) || !parseCalendarDate(b as string))) continue;
        const bad = rule.kind === 'lte' ? (a as number | string) > (b as number | string) : (a as number | string) < (b as number | string);
        if (bad) rc.addIssue({ code: 'custom', path: [rule.field], message: rule.message });
      }
    })) as unknown as z.ZodMiniType<Record<string, unknown>>;
}

/** Turns zod issues into `{path, message}` pairs, one per unknown key, paths joined with dots. */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[], prefix: string[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const base = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ path: [...base, k].join('.'), message: '未知字段，表单中没有这一项' });
    } else {
      out.push({ path: base.join('.'), message: issue.message });
    }
  }
  return out;
}

/** Parses a value with a schema or throws a 400 naming each bad field under `prefix`. */
export function parseOrThrow<T extends z.core.$ZodType>(schema: T, value: unknown, prefix: string[], detail: string): z.output<T> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  throw validationError(detail, toFieldErrors(result.error.issues, prefix));
}
