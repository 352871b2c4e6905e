/**
 * Inputs generated from the shipped templates themselves. Valid records of every form, built
 * field by field from each field's type and limits and the example organisation (roles on the
 * record's date, cross-field rules), must be accepted and read back exactly as sent. Then
 * hundreds of invalid ones, each a valid record with one thing broken, must be refused with a
 * 4xx problem document that names the field, never a 500, and must write nothing.
 *
 * The generators read the template definitions (types, limits, options, roles, rules) and the
 * organisation; what counts as valid is this file's reading of those definitions, not a call
 * into the schema under test.
 */
import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import type { Field, FormTemplate, Organisation, Role } from '../../functions/core/templates/templates.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

const catalog = readCatalog(resolve('templates'));
// Internal forms (整改事项) are never filed by hand: POST refuses them, and they are tested on their own.
const FORMS: FormTemplate[] = catalog.forms.filter((f) => !f.internal);
const org: Organisation = catalog.exampleOrganisation;
const PEOPLE = org.people.map((p) => p.id);
const DIVISIONS = org.divisions.map((d) => d.id);

/** The test clock's date (FIXED_NOW in Shanghai), the earliest date any record may carry, and a far planned date. */
const TODAY = '2026-11-28';
const EARLIEST = '2000-01-01';
const LATEST_PLANNED = '2030-12-31';
/** From this date every leadership role has someone in it in the example organisation. */
const ROLES_FILLED_FROM = '2024-01-01';
const TEXT_DEFAULT_MAX = 200;
const LONGTEXT_DEFAULT_MAX = 5000;
/** Valid runs per form; each run is a POST and a PUT. */
const RUNS_PER_FORM = 6;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

let validTried = 0;
let invalidTried = 0;

// ---------------------------------------------------------------------------------------------
// Reading the templates
// ---------------------------------------------------------------------------------------------

const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
const dateOfDay = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
const dayBefore = (date: string) => dateOfDay(dayNumber(date) - 1);

const textMax = (f: Field) => f.maxLength ?? (f.type === 'longtext' ? LONGTEXT_DEFAULT_MAX : TEXT_DEFAULT_MAX);
const textMin = (f: Field) => Math.max(f.minLength ?? 0, 1);
const listMin = (f: Field) => Math.max(f.minLength ?? 0, f.required ? 1 : 0);

/** People who hold one of the field's roles on the date (everyone, when the field names no role). */
function eligible(f: Field, date: string): string[] {
  if (!f.roles) return PEOPLE;
  const roles = f.roles as Role[];
  return org.people
    .filter((p) => p.roles.some((r) => roles.includes(r.role) && r.from <= date && (r.to === undefined || date <= r.to)))
    .map((p) => p.id);
}

/** The earliest activity date for which every role-restricted field can be filled. */
const earliestDate = (form: FormTemplate) => (form.fields.some((f) => f.roles) ? ROLES_FILLED_FROM : EARLIEST);

/** The lower bound a `gte` rule puts on a date field: the activity date, the only `other` the templates use. */
function lowerDateBound(form: FormTemplate, f: Field, activity: string): string {
  const rule = form.rules.find((r) => r.kind === 'gte' && r.field === f.key);
  if (!rule || rule.kind !== 'gte') return EARLIEST;
  if (rule.other !== form.dateField) throw new Error(`${form.id}: a gte rule against ${rule.other} is not handled by this generator`);
  return activity;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries for valid data
// ---------------------------------------------------------------------------------------------

const codePoint = (min: number, max: number) => fc.integer({ min, max }).map((n) => String.fromCodePoint(n));
const oneLineChar = fc.oneof(
  { weight: 4, arbitrary: codePoint(0x4e00, 0x9fa5) }, // CJK unified ideographs
  { weight: 3, arbitrary: codePoint(0x20, 0x7e) }, // printable ASCII, space included
  { weight: 1, arbitrary: fc.constantFrom('、', '。', '，', '：', '；', '（', '）', '《', '》', '“', '”', '—', '　') },
  { weight: 1, arbitrary: codePoint(0x20000, 0x2a6d6) }, // CJK extension B: two UTF-16 units, one character
);
const multiLineChar = fc.oneof({ weight: 12, arbitrary: oneLineChar }, { weight: 1, arbitrary: fc.constantFrom('\n', '\t') });

function textArb(f: Field): fc.Arbitrary<string> {
  const char = f.type === 'longtext' ? multiLineChar : oneLineChar;
  const [min, max] = [textMin(f), textMax(f)];
  return fc
    .oneof(
      { weight: 6, arbitrary: fc.array(char, { minLength: min, maxLength: max }) },
      { weight: 1, arbitrary: fc.array(char, { minLength: max, maxLength: max }) },
      { weight: 1, arbitrary: fc.array(char, { minLength: min, maxLength: min }) },
    )
    .map((cs) => cs.join(''))
    .filter((s) => s.trim() !== '');
}

const dateArb = (from: string, to: string) =>
  fc.oneof({ weight: 6, arbitrary: fc.integer({ min: dayNumber(from), max: dayNumber(to) }).map(dateOfDay) }, { weight: 1, arbitrary: fc.constantFrom(from, to) });

/** Decimal numbers as people type them (hundredths), within the field's bounds. */
function numberArb(f: Field): fc.Arbitrary<number> {
  const min = f.min ?? -1_000_000;
  const max = f.max ?? 1_000_000;
  if (f.type === 'integer') return fc.integer({ min, max });
  return fc.oneof(fc.integer({ min: Math.ceil(min * 100), max: Math.floor(max * 100) }).map((n) => n / 100), fc.constantFrom(min, max));
}

/** An arbitrary for one field on a record dated `activity`, or undefined when no value is possible. */
function fieldArb(form: FormTemplate, f: Field, activity: string): fc.Arbitrary<unknown> | undefined {
  switch (f.type) {
    case 'text':
    case 'longtext':
      return textArb(f);
    case 'date':
      return f.key === form.dateField ? fc.constant(activity) : dateArb(lowerDateBound(form, f, activity), LATEST_PLANNED);
    case 'integer':
    case 'number':
      return numberArb(f);
    case 'boolean':
      return fc.boolean();
    case 'select':
      return fc.constantFrom(...f.options!);
    case 'multiselect':
      return fc.shuffledSubarray(f.options!, { minLength: listMin(f), maxLength: Math.min(f.maxLength ?? f.options!.length, f.options!.length) });
    case 'division':
      return fc.constantFrom(...DIVISIONS);
    case 'person': {
      const ids = eligible(f, activity);
      return ids.length ? fc.constantFrom(...ids) : undefined;
    }
    case 'people': {
      const ids = eligible(f, activity);
      if (ids.length < listMin(f)) return undefined;
      return fc.uniqueArray(fc.constantFrom(...ids), { minLength: listMin(f), maxLength: Math.min(f.maxLength ?? ids.length, ids.length) });
    }
    case 'rows': {
      // A few rows of sub-field values; a sub-field is never the activity date.
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const sub of f.fields!) shape[sub.key] = fieldArb(form, { ...sub, key: `${f.key}.${sub.key}` } as Field, activity)!;
      const required = f.fields!.filter((x) => x.required).map((x) => x.key);
      return fc.array(fc.record(shape, { requiredKeys: required }), { minLength: listMin(f), maxLength: Math.min(3, f.maxLength ?? 3) });
    }
  }
}

/** Makes a generated record honour the template's cross-field rules. */
function withRules(form: FormTemplate, activity: string, record: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  let out: fc.Arbitrary<Record<string, unknown>> = fc.constant(record);
  for (const rule of form.rules) {
    const f = form.fields.find((x) => x.key === rule.field)!;
    if (rule.kind === 'requiredIf') {
      out = out.chain((r) => (r[rule.when] === rule.equals && r[rule.field] === undefined ? fieldArb(form, f, activity)!.map((v) => ({ ...r, [rule.field]: v })) : fc.constant(r)));
    } else if (rule.kind === 'lte' && (f.type === 'integer' || f.type === 'number')) {
      out = out.chain((r) => {
        const [a, b] = [r[rule.field] as number | undefined, r[rule.other] as number | undefined];
        if (a === undefined || b === undefined || a <= b) return fc.constant(r);
        return fc.integer({ min: f.min ?? 0, max: b }).map((v) => ({ ...r, [rule.field]: v }));
      });
    } else if (rule.kind === 'gte' && f.type === 'date') {
      // Taken care of by lowerDateBound when the date is generated.
    } else {
      throw new Error(`${form.id}: rule ${JSON.stringify(rule)} is not handled by this generator`);
    }
  }
  return out;
}

/** A valid record of the form; `complete` puts in every field that can have a value. */
function recordArb(form: FormTemplate, options: { complete?: boolean } = {}): fc.Arbitrary<Record<string, unknown>> {
  return dateArb(earliestDate(form), TODAY).chain((activity) => {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    const required: string[] = [];
    for (const f of form.fields) {
      const arb = fieldArb(form, f, activity);
      if (!arb) {
        if (f.required) throw new Error(`${form.id}.${f.key}: nobody can fill it on ${activity}`);
        continue;
      }
      shape[f.key] = arb;
      if (f.required || options.complete) required.push(f.key);
    }
    return fc.record(shape, { requiredKeys: required }).chain((r) => withRules(form, activity, r as Record<string, unknown>));
  });
}

/** Every field at its largest: texts at their maximum length, lists as long as they may be, numbers at their maximum. */
function maximalRecord(form: FormTemplate): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of form.fields) {
    const ids = eligible(f, TODAY);
    switch (f.type) {
      case 'text':
        out[f.key] = Array.from({ length: textMax(f) }, (_, i) => (i % 3 === 0 ? '𠀀' : i % 3 === 1 ? '账' : 'a')).join('');
        break;
      case 'longtext':
        out[f.key] = Array.from({ length: textMax(f) }, (_, i) => (i % 50 === 49 ? '\n' : i % 2 ? '记' : '𠀀')).join('');
        break;
      case 'date':
        out[f.key] = f.key === form.dateField ? TODAY : LATEST_PLANNED;
        break;
      case 'integer':
      case 'number':
        out[f.key] = f.max ?? 1_000_000;
        break;
      case 'boolean':
        out[f.key] = true;
        break;
      case 'select':
        out[f.key] = f.options![f.options!.length - 1];
        break;
      case 'multiselect':
        out[f.key] = f.options!.slice(0, f.maxLength ?? f.options!.length);
        break;
      case 'division':
        out[f.key] = DIVISIONS[DIVISIONS.length - 1];
        break;
      case 'person':
        out[f.key] = ids[ids.length - 1];
        break;
      case 'people':
        out[f.key] = ids.slice(0, f.maxLength ?? ids.length);
        break;
      case 'rows': {
        const row = maximalRecord({ ...form, dateField: '', fields: f.fields! as Field[] });
        out[f.key] = Array.from({ length: f.maxLength ?? 3 }, () => row);
        break;
      }
    }
  }
  return out;
}

const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Stored data as sent, once the row ids the server gives each row of a rows field (checked here) are taken out. */
function withoutRowIds(form: FormTemplate, data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data };
  for (const f of form.fields.filter((x) => x.type === 'rows')) {
    const rows = out[f.key];
    if (!Array.isArray(rows)) continue;
    out[f.key] = rows.map(({ id, ...rest }: Record<string, unknown>) => {
      expect(id).toMatch(/^[a-z0-9]{1,26}$/);
      return rest;
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Valid inputs
// ---------------------------------------------------------------------------------------------

/** For each form, a complete record the server accepted: the target of the invalid PUTs. */
const accepted: Record<string, { id: string; owner: string; data: Record<string, unknown> }> = {};

describe('valid records generated from the templates', () => {
  it('covers every form template the catalogue ships', () => {
    expect(FORMS.map((f) => f.id).sort()).toEqual(['democratic-life', 'inspection', 'member-report', 'opinion-response', 'party-group-meeting', 'position-check', 'situation-analysis', 'study-session']);
  });

  for (const form of FORMS) {
    it(`accepts generated ${form.id} records by POST and PUT and reads each back exactly as sent`, async () => {
      await fc.assert(
        fc.asyncProperty(recordArb(form), recordArb(form), fc.constantFrom(...PEOPLE), async (first, second, anyone) => {
          validTried += 2;
          // A generated record names any person as its subject; only the office may file that (代填).
          const as = form.subjectField ? 'sun-li' : anyone;
          const created = await api.call('POST', '/api/submissions', { as, body: { templateId: form.id, data: first } });
          expect(created.status, JSON.stringify(created.body)).toBe(201);
          const read = await api.call('GET', `/api/submissions/${created.body.id}`, { as });
          expect(withoutRowIds(form, read.body.data)).toEqual(asJson(first));
          expect(read.body.date).toBe(first[form.dateField]);
          const updated = await api.call('PUT', `/api/submissions/${created.body.id}`, { as, body: { data: second, version: 1 } });
          expect(updated.status, JSON.stringify(updated.body)).toBe(200);
          const reread = await api.call('GET', `/api/submissions/${created.body.id}`, { as });
          expect(reread.body).toMatchObject({ version: 2, date: second[form.dateField] });
          expect(withoutRowIds(form, reread.body.data)).toEqual(asJson(second));
        }),
        { numRuns: RUNS_PER_FORM },
      );
    });

    it(`accepts a ${form.id} record with every field at its largest and reads it back exactly`, async () => {
      const data = maximalRecord(form);
      validTried++;
      const created = await api.call('POST', '/api/submissions', { as: 'sun-li', body: { templateId: form.id, data } });
      expect(created.status, JSON.stringify(created.body).slice(0, 500)).toBe(201);
      expect(withoutRowIds(form, (await api.call('GET', `/api/submissions/${created.body.id}`, { as: 'sun-li' })).body.data)).toEqual(data);
    });

    it(`accepts a complete ${form.id} record, the base of the invalid ones below`, async () => {
      const data = BASE[form.id]!;
      validTried++;
      const created = await api.call('POST', '/api/submissions', { as: 'sun-li', body: { templateId: form.id, data } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(withoutRowIds(form, (await api.call('GET', `/api/submissions/${created.body.id}`, { as: 'sun-li' })).body.data)).toEqual(data);
      accepted[form.id] = { id: created.body.id, owner: 'sun-li', data };
    });
  }

  const tiny = [5e-324, 1e-200, 1e-131];
  it(`stores or refuses, but never fails on, a deduction the schema allows yet too small for DynamoDB (${tiny.join(', ')})`, async () => {
    for (const deduction of tiny) {
      const data = { ...BASE.inspection!, deduction };
      const before = await api.snapshot();
      const res = await api.call('POST', '/api/submissions', { as: 'sun-li', body: { templateId: 'inspection', data } });
      expect.soft([201, 400], `deduction ${deduction} answered ${res.status}: ${JSON.stringify(res.body)}`).toContain(res.status);
      if (res.status === 201) expect((await api.call('GET', `/api/submissions/${res.body.id}`, { as: 'sun-li' })).body.data.deduction).toBe(deduction);
      else expect(await api.snapshot()).toEqual(before);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Invalid inputs: one valid record with one thing broken
// ---------------------------------------------------------------------------------------------

/** A complete valid record per form, fixed by a seed so the cases below are the same every run. */
const BASE: Record<string, Record<string, unknown>> = Object.fromEntries(FORMS.map((form, i) => [form.id, fc.sample(recordArb(form, { complete: true }), { numRuns: 1, seed: 20261128 + i })[0]!]));

interface DataCase {
  name: string;
  /** The JSON text of `data`. */
  data: string;
  /** The error path that must be among the errors (a prefix match on dot boundaries); undefined for 413. */
  path?: string;
  status?: 400 | 413;
}

const RAW = '"@@raw@@"';
const j = (v: unknown) => JSON.stringify(v);
/** The record's JSON text with one field set to the given JSON text, or removed when it is undefined. */
function withField(base: Record<string, unknown>, key: string, raw: string | undefined): string {
  const copy: Record<string, unknown> = { ...base };
  if (raw === undefined) {
    delete copy[key];
    return j(copy);
  }
  copy[key] = '@@raw@@';
  return j(copy).replace(RAW, raw);
}
const deepArrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObjects = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const cjk = (n: number) => '字'.repeat(n);

/**
 * Wrong values for one field, each with its JSON text. Those marked `rotates` belong to a
 * family (control characters, date spellings) that each form spreads over its fields of the
 * type, half per field, so that the run stays bounded while every form meets every variant
 * whenever it has two fields of the type.
 */
type Bad = [label: string, raw: string, rotates?: true];
function badValues(form: FormTemplate, f: Field, base: Record<string, unknown>): Bad[] {
  const common: Bad[] = [
    ['null', 'null'],
    ['an object', j({ value: 1 })],
    ['arrays nested 1000 deep', deepArrays(1000)],
  ];
  switch (f.type) {
    case 'text':
    case 'longtext': {
      const out: Bad[] = [
        ['a number', '42'],
        ['a boolean', 'true'],
        ['an array of text', j(['文本'])],
        [`${textMax(f) + 1} characters, one over the limit`, j(cjk(textMax(f) + 1))],
        [`${textMax(f) + 1} characters of CJK extension B, one over the limit`, j('𠀀'.repeat(textMax(f) + 1))],
        ['a NUL character', j('前\u0000后'), true],
        ['a bell character', j('前\u0007后'), true],
        ['an escape character', j('前\u001b后'), true],
        ['a DEL character', j('前\u007f后'), true],
        ['a C1 control character', j('前\u0090后'), true],
        ['a lone high surrogate', '"前\\ud800后"', true],
        ['a lone low surrogate', '"前\\udfff后"', true],
        ['a surrogate pair in the wrong order', '"前\\udc00\\ud800后"', true],
        ['a lone high surrogate at the end', '"前后\\ud83d"', true],
      ];
      if (f.type === 'text') {
        out.push(['a newline', j('第一行\n第二行'), true], ['a carriage return', j('第一行\r第二行'), true], ['a line separator', j('第一行\u2028第二行'), true], ['a next-line character', j('第一行\u0085第二行'), true]);
        out.push(['over 10,000 characters', j(cjk(10_001))]);
      }
      if (f.required) out.push(['an empty string', j('')], ['only spaces', j('   ')], ['only ideographic spaces', j('　　')]);
      if ((f.minLength ?? 0) > 1) out.push([`${f.minLength! - 1} characters, one under the minimum`, j(cjk(f.minLength! - 1))]);
      return [...common, ...out];
    }
    case 'date': {
      const out: Bad[] = [
        ['a number', '20261102'],
        ['February 30th', j('2026-02-30')],
        ['month 13', j('2026-13-01')],
        ['the day before 2000', j('1999-12-31')],
        ['a date far ahead', j('2099-01-01')],
        ['month 0', j('2026-00-10'), true],
        ['day 0', j('2026-11-00'), true],
        ['February 29th of a common year', j('2025-02-29'), true],
        ['an unpadded date', j('2026-1-5'), true],
        ['slashes', j('2026/11/02'), true],
        ['a timestamp', j('2026-11-01T00:00:00Z'), true],
        ['a leading space', j(' 2026-11-01'), true],
        ['full-width digits', j('２０２６-１１-０１'), true],
        ['year 0000', j('0000-01-01'), true],
        ['an empty string', j(''), true],
      ];
      if (f.key === form.dateField) out.push(['tomorrow for the activity date', j('2026-11-29')], ['next year for the activity date', j('2027-01-01')]);
      return [...common, ...out];
    }
    case 'integer':
    case 'number': {
      const out: Bad[] = [
        ['a numeric string', j(String(f.min ?? 1))],
        ['a boolean', 'false'],
        ['an array', j([f.min ?? 1])],
        ['1e308', '1e308'],
        ['-1e308', '-1e308'],
        ['1e400, Infinity once parsed', '1e400'],
        ['-1e400', '-1e400'],
      ];
      if (f.min !== undefined) out.push([`${f.min - 1}, under the minimum`, j(f.min - 1)]);
      if (f.max !== undefined) out.push([`${f.max + 1}, over the maximum`, j(f.max + 1)], [`${f.max} and a hair`, j(f.max + 1e-9)]);
      if (f.type === 'integer') out.push(['a fraction', j((f.min ?? 0) + 1.5)], ['2^53 + 1', '9007199254740993']);
      return [...common, ...out];
    }
    case 'boolean':
      return [...common, ['the text "true"', j('true')], ['the text "no"', j('no')], ['1', '1'], ['0', '0'], ['an empty array', '[]']];
    case 'select':
      return [...common, ['an option not offered', j('其他选项')], ['an option with a trailing space', j(`${f.options![0]} `)], ['a number', '0'], ['the option in an array', j([f.options![0]])], ['an empty string', j('')]];
    case 'multiselect': {
      const out: Bad[] = [
        ['a single string', j(f.options![0])],
        ['an unknown option', j(['其他选项'])],
        ['a duplicate', j([f.options![0], f.options![0]])],
        ['a null item', j([null])],
        ['a number item', j([1])],
      ];
      if (listMin(f) > 0) out.push(['an empty list', '[]']);
      return [...common, ...out];
    }
    case 'division':
      return [...common, ['an unknown division', j('nowhere')], ['a division in upper case', j(DIVISIONS[0]!.toUpperCase())], ['a number', '7'], ['a division in an array', j([DIVISIONS[0]])], ['a division name instead of its id', j(org.divisions[0]!.name)]];
    case 'person': {
      const out: Bad[] = [
        ['someone not in the organisation', j('nobody')],
        ['a person id in upper case', j('ZHANG-WEI')],
        ['a person of the other unit', j('other-leader')],
        ['a person name instead of an id', j(org.people[0]!.name)],
        ['an empty string', j('')],
        ['a number', '42'],
        ['a person in an array', j([PEOPLE[0]])],
      ];
      if (f.roles) {
        const date = base[form.dateField] as string;
        const outsider = PEOPLE.find((p) => !eligible(f, date).includes(p))!;
        out.push([`${outsider}, who does not hold ${f.roles.join(' or ')} on the record's date`, j(outsider)]);
      }
      return [...common, ...out];
    }
    case 'people': {
      const out: Bad[] = [
        ['a single string', j(PEOPLE[0])],
        ['someone not in the organisation', j(['nobody'])],
        ['a duplicate', j([PEOPLE[0], PEOPLE[0]])],
        ['a null item', j([null])],
        ['a number item', j([42])],
        ['a person of the other unit', j(['other-leader'])],
      ];
      if (listMin(f) > 0) out.push(['an empty list', '[]']);
      return [...common, ...out];
    }
    case 'rows': {
      const sub = f.fields![0]!;
      const out: Bad[] = [
        ['a single row object', j({ [sub.key]: '问题' })],
        ['a row of text', j(['问题'])],
        ['a row with an unknown key', j([{ [sub.key]: '问题', other: 1 }])],
        ['two rows with the same id', j([{ id: 'a1', [sub.key]: '问题' }, { id: 'a1', [sub.key]: '问题' }])],
        ['a row id in upper case', j([{ id: 'A1', [sub.key]: '问题' }])],
      ];
      if (f.maxLength !== undefined) out.push([`${f.maxLength + 1} rows, one over the limit`, j(Array.from({ length: f.maxLength + 1 }, () => ({ [sub.key]: '问题' })))]);
      if (sub.required) out.push(['a row without its required first sub-field', j([{}])]);
      return [...common, ...out];
    }
  }
}

/** Every invalid `data` for a form: each field broken each way, each required field missing, the rules broken, the keys tampered with. */
function dataCases(form: FormTemplate): DataCase[] {
  const base = BASE[form.id]!;
  const out: DataCase[] = [];
  const ordinal: Record<string, number> = {};
  for (const f of form.fields) {
    const nth = (ordinal[f.type] = (ordinal[f.type] ?? -1) + 1);
    let variant = 0;
    for (const [what, raw, rotates] of badValues(form, f, base)) {
      if (rotates && (variant++ + nth) % 2 !== 0) continue;
      out.push({ name: `${f.key} as ${what}`, data: withField(base, f.key, raw), path: `data.${f.key}` });
    }
    if (f.required) out.push({ name: `${f.key} missing`, data: withField(base, f.key, undefined), path: `data.${f.key}` });
  }
  for (const rule of form.rules) {
    const f = form.fields.find((x) => x.key === rule.field)!;
    if (rule.kind === 'requiredIf') {
      const d = { ...base, [rule.when]: rule.equals };
      delete d[rule.field];
      out.push({ name: `${rule.field} missing while ${rule.when} is ${rule.equals}`, data: j(d), path: `data.${rule.field}` });
      if (f.type === 'text' || f.type === 'longtext') out.push({ name: `${rule.field} blank while ${rule.when} is ${rule.equals}`, data: j({ ...d, [rule.field]: '  ' }), path: `data.${rule.field}` });
    } else if (rule.kind === 'lte') {
      const other = base[rule.other] as number;
      const o = form.fields.find((x) => x.key === rule.other)!;
      const d = { ...base, [rule.other]: Math.min(other, (o.max ?? other) - 1), [rule.field]: Math.min(other, (o.max ?? other) - 1) + 1 };
      out.push({ name: `${rule.field} one more than ${rule.other}`, data: j(d), path: `data.${rule.field}` });
    } else {
      out.push({ name: `${rule.field} the day before ${rule.other}`, data: j({ ...base, [rule.field]: dayBefore(base[rule.other] as string) }), path: `data.${rule.field}` });
    }
  }
  const tail = (extra: string) => `${j(base).slice(0, -1)},${extra}}`;
  out.push(
    { name: 'an unknown key', data: tail('"nickname":"别名"'), path: 'data.nickname' },
    { name: 'an unknown key holding arrays nested 1000 deep', data: tail(`"nested":${deepArrays(1000)}`), path: 'data.nested' },
    { name: 'an unknown key holding objects nested 1000 deep', data: tail(`"nested":${deepObjects(1000)}`), path: 'data.nested' },
    { name: `${form.dateField} as objects nested 1000 deep`, data: withField(base, form.dateField, deepObjects(1000)), path: `data.${form.dateField}` },
    { name: 'an unknown key named by a lone surrogate', data: tail('"\\ud800":1'), path: 'data.\ud800' },
    { name: 'an empty key', data: tail('"":1'), path: 'data.' },
    { name: 'a __proto__ key', data: tail('"__proto__":{"polluted":true}'), path: 'data.__proto__' },
    { name: 'a constructor key', data: tail('"constructor":{"prototype":{"polluted":true}}'), path: 'data.constructor' },
    { name: 'a prototype key', data: tail('"prototype":1'), path: 'data.prototype' },
    { name: 'a __proto__ key standing in for the activity date', data: withField(base, form.dateField, undefined).slice(0, -1) + `,"__proto__":{"${form.dateField}":"${TODAY}"}}`, path: `data.${form.dateField}` },
    { name: 'data as null', data: 'null', path: 'data' },
    { name: 'data as an array', data: '[]', path: 'data' },
    { name: 'data as an array holding the record', data: `[${j(base)}]`, path: 'data' },
    { name: 'data as a string', data: j(j(base)), path: 'data' },
    { name: 'data as a number', data: '1', path: 'data' },
    { name: 'data as arrays nested 1000 deep', data: deepArrays(1000), path: 'data' },
    { name: 'an empty data object', data: '{}', path: `data.${form.dateField}` },
    { name: 'a longtext or text of 300,000 characters, over the body limit', data: withField(base, form.fields.find((f) => f.type === 'longtext' || f.type === 'text')!.key, j('x'.repeat(300_000))), status: 413 },
  );
  return out;
}

interface BodyCase {
  name: string;
  method: 'POST' | 'PUT';
  body: string;
  path?: string;
  status?: 400 | 413;
}

function bodyCases(form: FormTemplate): BodyCase[] {
  const data = j(BASE[form.id]);
  const post = (name: string, body: string, path?: string, status?: 400 | 413): BodyCase => ({ name, method: 'POST', body, path, status });
  const put = (name: string, body: string, path?: string): BodyCase => ({ name, method: 'PUT', body, path });
  return [
    post('a body of null', 'null', ''),
    post('a body that is an array', `[{"templateId":"${form.id}","data":${data}}]`, ''),
    post('a body that is a string', j('hello'), ''),
    post('a body that is a number', '42', ''),
    post('an empty object', '{}', 'templateId'),
    post('no data', j({ templateId: form.id }), 'data'),
    post('no templateId', `{"data":${data}}`, 'templateId'),
    post('templateId null', `{"templateId":null,"data":${data}}`, 'templateId'),
    post('templateId a number', `{"templateId":7,"data":${data}}`, 'templateId'),
    post('templateId unknown', `{"templateId":"no-such-form","data":${data}}`, 'templateId'),
    post('templateId of another form', `{"templateId":"${FORMS.find((f) => f.id !== form.id)!.id}","data":${data}}`, 'data'),
    post('templateId with a lone surrogate', `{"templateId":"${form.id}\\ud800","data":${data}}`, 'templateId'),
    post('templateId of 41 characters', `{"templateId":"${'a'.repeat(41)}","data":${data}}`, 'templateId'),
    post('templateId nested 1000 deep', `{"templateId":${deepArrays(1000)},"data":${data}}`, 'templateId'),
    post('an unknown top-level key', `{"templateId":"${form.id}","data":${data},"owner":"zhang-wei"}`, 'owner'),
    post('a top-level __proto__', `{"templateId":"${form.id}","data":${data},"__proto__":{"isAdmin":true}}`, '__proto__'),
    post('a top-level constructor', `{"templateId":"${form.id}","data":${data},"constructor":{"name":"x"}}`, 'constructor'),
    post('a body nested 1000 deep', deepArrays(1000), ''),
    post('a body of 2 MB', `{"templateId":"${form.id}","data":${data},"pad":"${'x'.repeat(2_000_000)}"}`, undefined, 413),
    put('no version', `{"data":${data}}`, 'version'),
    put('version as text', `{"data":${data},"version":"1"}`, 'version'),
    put('version 0', `{"data":${data},"version":0}`, 'version'),
    put('version 1.5', `{"data":${data},"version":1.5}`, 'version'),
    put('version null', `{"data":${data},"version":null}`, 'version'),
    put('version 1e400', `{"data":${data},"version":1e400}`, 'version'),
    put('an unknown top-level key', `{"data":${data},"version":1,"owner":"zhang-wei"}`, 'owner'),
    put('a top-level __proto__', `{"data":${data},"version":1,"__proto__":{"version":1}}`, '__proto__'),
    put('a body that is an array', `[{"data":${data},"version":1}]`, ''),
  ];
}

const pathMatches = (actual: string, wanted: string) => wanted === '' || actual === wanted || actual.startsWith(`${wanted}.`);

let officeToken: string;
async function expectRefused(method: string, path: string, raw: string, wanted: { path?: string; status?: number }, label: string) {
  officeToken ??= await api.token('sun-li');
  const res = await api.call(method, path, { raw, headers: { 'content-type': 'application/json', authorization: `Bearer ${officeToken}` } });
  invalidTried++;
  expect(res.status, `${label}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(wanted.status ?? 400);
  expect(res.headers.get('content-type'), label).toContain('application/problem+json');
  expect(res.body.status, label).toBe(res.status);
  expect(res.body.detail, label).toMatch(/[\u4e00-\u9fff]/);
  expect(JSON.stringify(res.body), label).not.toMatch(/at .*\.(ts|js):\d+/);
  if (res.status === 400) {
    expect(Array.isArray(res.body.errors) && res.body.errors.length > 0, `${label}: errors listed`).toBe(true);
    for (const e of res.body.errors) {
      expect(typeof e.path, `${label}: every error has a path`).toBe('string');
      expect(e.message, `${label}: every error has a Chinese message`).toMatch(/[\u4e00-\u9fff]/);
    }
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(
      paths.some((p: string) => pathMatches(p, wanted.path!)),
      `${label}: an error at ${wanted.path}, got ${JSON.stringify(paths)}`,
    ).toBe(true);
  }
}

describe('invalid inputs, each a valid record with one thing broken', () => {
  for (const form of FORMS) {
    const cases = dataCases(form);
    // Every case by POST; every fourth (spread over every field and kind of fault) by PUT too, to bound the run.
    const byPut = cases.filter((_, i) => i % 4 === 0);
    it(`refuses ${cases.length} invalid ${form.id} data by POST and ${byPut.length} of them by PUT, with a problem naming the field, and writes nothing`, async () => {
      const target = accepted[form.id];
      expect(target, 'the complete record above was accepted').toBeDefined();
      const before = await api.snapshot();
      for (const c of cases) await expectRefused('POST', '/api/submissions', `{"templateId":"${form.id}","data":${c.data}}`, c, `POST ${form.id} with ${c.name}`);
      for (const c of byPut) await expectRefused('PUT', `/api/submissions/${target!.id}`, `{"data":${c.data},"version":1}`, c, `PUT ${form.id} with ${c.name}`);
      expect(await api.snapshot(), `no ${form.id} case wrote anything`).toEqual(before);
      expect((await api.call('GET', `/api/submissions/${target!.id}`, { as: 'sun-li' })).body).toMatchObject({ version: 1, data: target!.data });
    });

    const envelopes = bodyCases(form);
    it(`refuses ${envelopes.length} malformed ${form.id} request bodies and writes nothing`, async () => {
      const target = accepted[form.id]!;
      const before = await api.snapshot();
      for (const c of envelopes)
        await expectRefused(c.method, c.method === 'POST' ? '/api/submissions' : `/api/submissions/${target.id}`, c.body, c, `${c.method} ${form.id} with ${c.name}`);
      expect(await api.snapshot(), `no ${form.id} envelope wrote anything`).toEqual(before);
    });
  }

  // The list's query string is input too: the same promise, 400 and never 500.
  const QUERIES: [string, string][] = [
    ['period=2026-H3', 'query.period'],
    ['period=2026-13', 'query.period'],
    ['period=%00', 'query.period'],
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=-1', 'query.limit'],
    ['limit=1e2', 'query.limit'],
    ['scope=all', 'query.scope'],
    ['templateId=no-such-form', 'query.templateId'],
    [`templateId=${'a'.repeat(41)}`, 'query.templateId'],
    ['cursor=not-a-cursor', 'query.cursor'],
    [`cursor=${'9'.repeat(81)}`, 'query.cursor'],
    ['cursor=2026-09-15%23short', 'query.cursor'],
    ['sort=asc', 'query.sort'],
    // A cursor is opaque to the client, but one from another period (a stale page link) is bad input, not a server fault.
    ['period=2026-H2&cursor=2020-01-01%2301ARZ3NDEKTSV4RRFFQ69G5FAV', 'query.cursor'],
    ['period=2026-09&cursor=2026-12-31%2301ARZ3NDEKTSV4RRFFQ69G5FAV', 'query.cursor'],
    ['templateId=study-session&period=2026&cursor=2019-01-01%2301ARZ3NDEKTSV4RRFFQ69G5FAV', 'query.cursor'],
  ];
  it(`refuses ${QUERIES.length} malformed list queries with 400 naming the parameter, never 500`, async () => {
    const before = await api.snapshot();
    for (const [query, path] of QUERIES) {
      const res = await api.call('GET', `/api/submissions?${query}`, { as: 'sun-li' });
      invalidTried++;
      expect.soft(res.status, `GET /api/submissions?${query}: ${JSON.stringify(res.body)}`).toBe(400);
      expect.soft(res.headers.get('content-type'), query).toContain('application/problem+json');
      expect.soft(res.body.errors?.map((e: { path: string }) => e.path) ?? [], query).toContain(path);
    }
    expect(await api.snapshot()).toEqual(before);
  });

  // Path parameters are input too: a malformed percent-encoding names no record, template or period.
  const SEGMENTS: [string, string][] = [
    ['a lone percent sign', '%'],
    ['a truncated escape', '%E0%A4%A'],
    ['a non-hex escape', '%ZZ'],
    ['an overlong UTF-8 slash', '%C0%AF'],
    ['an encoded lone surrogate', '%ED%A0%80'],
    ['an encoded NUL', '%00'],
    ['encoded dots', '%2E%2E'],
    ['1000 characters', 'A'.repeat(1000)],
  ];
  const PATHS: [string, string, unknown][] = [
    ['GET', '/api/submissions/@', undefined],
    ['PUT', '/api/submissions/@', { data: { remarks: '路径测试' }, version: 1 }],
    ['DELETE', '/api/submissions/@', undefined],
    ['GET', '/api/submissions/@/history', undefined],
    ['GET', '/api/templates/@', undefined],
    ['PUT', '/api/assessment/@/items/A10', { score: 1, reason: '路径测试' }],
    ['PUT', '/api/assessment/2026/items/@', { score: 1, reason: '路径测试' }],
  ];
  it(`refuses ${SEGMENTS.length * PATHS.length} malformed path parameters with 400 or 404, never 500`, async () => {
    const before = await api.snapshot();
    for (const [method, template, body] of PATHS)
      for (const [what, segment] of SEGMENTS) {
        const path = template.replace('@', segment);
        const res = await api.call(method, path, { as: 'sun-li', body });
        invalidTried++;
        expect.soft([400, 404], `${method} ${template} with ${what}: ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
        expect(res.headers.get('content-type'), `${method} ${path}`).toContain('application/problem+json');
      }
    expect(await api.snapshot()).toEqual(before);
  });

  it('tried at least 200 invalid inputs and reports the counts', () => {
    expect(invalidTried).toBeGreaterThanOrEqual(200);
    console.log(`generated inputs: ${validTried} valid inputs accepted and read back, ${invalidTried} invalid inputs tried`);
  });
});
