/**
 * Loads `templates/` once per process and checks every file and every cross-reference, so a
 * typo in a bureau's edit is a start-up error that names the file and the field.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import {
  AssessmentSchemeSchema,
  FormTemplateSchema,
  ObligationsFileSchema,
  OrganisationSchema,
  type AssessmentScheme,
  type FormTemplate,
  type ObligationsFile,
  type Organisation,
} from './templates.js';

export interface Catalog {
  /** Form templates in file-name order. */
  forms: FormTemplate[];
  form(id: string): FormTemplate | undefined;
  obligations: ObligationsFile;
  assessment: AssessmentScheme;
  exampleOrganisation: Organisation;
  /** The example county (示例县委宣传部) and its two smaller example units; the example organisation is its third. */
  exampleCounty: ExampleCounty;
}

export interface ExampleCounty {
  county: Organisation;
  units: Organisation[];
}

/** The statuses of a rectification item (DESIGN §15), in order; the lifecycle in core/rectification is written for these. */
export const RECTIFICATION_STATUSES = ['待整改', '整改中', '待销号', '已销号'] as const;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

function readJson(dir: string, file: string): unknown {
  const path = join(dir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new TemplateError(`${file}: 文件不存在或无法读取`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TemplateError(`${file}: 不是合法的 JSON（${(e as Error).message}）`);
  }
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, file: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${file}: ${i.path.join('.') || '(根)'}: ${i.message}`);
  throw new TemplateError(lines.join('\n'));
}

function fail(file: string, path: string, message: string): never {
  throw new TemplateError(`${file}: ${path}: ${message}`);
}

function checkForm(form: FormTemplate, file: string): void {
  const byKey = new Map(form.fields.map((f) => [f.key, f]));
  if (byKey.size !== form.fields.length) {
    const dup = form.fields.find((f, i) => form.fields.findIndex((g) => g.key === f.key) !== i);
    fail(file, 'fields', `字段键重复：${dup?.key}`);
  }
  if (`${form.id}.json` !== file.split('/').pop()) fail(file, 'id', `须与文件名一致（${form.id}）`);
  const dateField = byKey.get(form.dateField);
  if (!dateField || dateField.type !== 'date' || !dateField.required)
    fail(file, 'dateField', `「${form.dateField}」须是本表的必填日期字段`);
  if (form.subjectField !== undefined && byKey.get(form.subjectField)?.type !== 'person')
    fail(file, 'subjectField', `「${form.subjectField}」须是本表的人员字段`);
  const print = form.ledger?.print ?? [];
  print.forEach((k, i) => {
    if (!byKey.has(k)) fail(file, `ledger.print.${i}`, `引用了不存在的字段「${k}」`);
    if (print.indexOf(k) !== i) fail(file, `ledger.print.${i}`, `字段重复：${k}`);
    if (byKey.get(k)!.ledger?.hidden) fail(file, `ledger.print.${i}`, `「${k}」已设为不在台账中显示`);
  });
  form.rules.forEach((rule, i) => {
    const names = rule.kind === 'requiredIf' ? [rule.field, rule.when] : [rule.field, rule.other];
    for (const name of names) if (!byKey.has(name)) fail(file, `rules.${i}`, `引用了不存在的字段「${name}」`);
    if (rule.kind !== 'requiredIf') {
      const types = names.map((n) => byKey.get(n)?.type);
      const numeric = types.every((t) => t === 'number' || t === 'integer');
      const dates = types.every((t) => t === 'date');
      if (!numeric && !dates) fail(file, `rules.${i}`, '比较规则只能用于两个数字字段或两个日期字段');
    }
  });
}

function checkObligations(obl: ObligationsFile, forms: Map<string, FormTemplate>, org: Organisation): void {
  const file = 'obligations.json';
  const ids = new Set<string>();
  obl.obligations.forEach((o, i) => {
    const at = `obligations.${i}`;
    if (ids.has(o.id)) fail(file, `${at}.id`, `编号重复：${o.id}`);
    ids.add(o.id);
    const form = forms.get(o.form);
    if (!form) fail(file, `${at}.form`, `表单「${o.form}」不存在`);
    for (const [name, wanted] of Object.entries(o.where)) {
      const field = form.fields.find((f) => f.key === name);
      if (!field) fail(file, `${at}.where.${name}`, `表单「${o.form}」没有这个字段`);
      const values = Array.isArray(wanted) ? wanted : [wanted];
      if (field.options) {
        for (const v of values)
          if (typeof v !== 'string' || !field.options.includes(v))
            fail(file, `${at}.where.${name}`, `「${String(v)}」不是该字段的选项`);
      } else if (field.type !== 'boolean' || typeof wanted !== 'boolean') {
        fail(file, `${at}.where.${name}`, '只能按选择类或是否类字段筛选');
      }
    }
    if (o.scope === 'member') {
      const f = form.fields.find((x) => x.key === o.personField);
      if (!f || f.type !== 'person') fail(file, `${at}.personField`, '按成员考核的义务须指定表单中的人员字段');
    }
    if (o.scope === 'division') {
      const f = form.fields.find((x) => x.key === o.divisionField);
      if (!f || f.type !== 'division') fail(file, `${at}.divisionField`, '按科室考核的义务须指定表单中的科室字段');
      if (!o.divisions?.length) fail(file, `${at}.divisions`, '按科室考核的义务须列出承担的科室');
      for (const d of o.divisions)
        if (!org.divisions.some((x) => x.id === d)) fail(file, `${at}.divisions`, `示例组织中没有科室「${d}」`);
    }
    if (o.cadence === 'event' && o.minimum !== 0) fail(file, `${at}.minimum`, '按事件发生记录的义务不设最低次数（0）');
    if (o.cadence !== 'event' && o.minimum < 1) fail(file, `${at}.minimum`, '按周期考核的义务至少需要 1 次');
  });
}

function checkAssessment(scheme: AssessmentScheme, obl: ObligationsFile): void {
  const file = 'assessment.json';
  const ids = new Set<string>();
  scheme.items.forEach((item, i) => {
    const at = `items.${i}`;
    if (ids.has(item.id)) fail(file, `${at}.id`, `编号重复：${item.id}`);
    ids.add(item.id);
    if (item.method === 'manual') {
      if (item.obligation || item.deduction) fail(file, at, '人工评分的项目不关联义务、不设扣分');
      return;
    }
    if (item.method === 'per-overdue-rectification' || item.method === 'per-open-rectification') {
      if (item.obligation) fail(file, `${at}.obligation`, '按整改事项扣分的项目不关联义务');
      if (!item.deduction) fail(file, `${at}.deduction`, '按整改事项扣分的项目须设每项扣分');
      if ((item.cap ?? 0) > item.standard) fail(file, `${at}.cap`, '扣分上限不能超过标准分值');
      return;
    }
    if (!obl.obligations.some((o) => o.id === item.obligation))
      fail(file, `${at}.obligation`, `义务「${item.obligation ?? ''}」不存在`);
    if (item.method === 'per-missing' && !item.deduction) fail(file, `${at}.deduction`, '按次扣分的项目须设每次扣分');
    if ((item.cap ?? 0) > item.standard) fail(file, `${at}.cap`, '扣分上限不能超过标准分值');
  });
}

/** Checks an organisation's internal references (used for the example file and for uploads). */
export function checkOrganisation(org: Organisation, file: string): void {
  const divisions = new Set(org.divisions.map((d) => d.id));
  if (divisions.size !== org.divisions.length) fail(file, 'divisions', '科室编号重复');
  const people = new Set<string>();
  org.people.forEach((p, i) => {
    if (people.has(p.id)) fail(file, `people.${i}.id`, `人员编号重复：${p.id}`);
    people.add(p.id);
    if (p.division && !divisions.has(p.division)) fail(file, `people.${i}.division`, `科室「${p.division}」不存在`);
    p.roles.forEach((r, j) => {
      if (r.to && r.to < r.from) fail(file, `people.${i}.roles.${j}.to`, '任职结束日期早于开始日期');
      const problem = roleMisfit(org, r.role);
      if (problem) fail(file, `people.${i}.roles.${j}.role`, problem);
    });
  });
  if (org.kind === 'county' && org.county) fail(file, 'county', '县委宣传部本身不隶属于其他县');
}

/**
 * Why a role does not fit the organisation, if it does not: `county` is held only in a county
 * organisation and nothing else is, so a unit's office can never give county authority.
 */
export function roleMisfit(org: Pick<Organisation, 'kind'>, role: Organisation['people'][number]['roles'][number]['role']): string | undefined {
  if (org.kind === 'county' && role !== 'county') return '县委宣传部的人员只能担任 county（县委宣传部）角色';
  if (org.kind !== 'county' && role === 'county') return 'county（县委宣传部）角色只能在县委宣传部的名册中设置';
  return undefined;
}

/** Reads and checks every template file under `dir`. Throws TemplateError naming the file and field. */
export function readCatalog(dir: string): Catalog {
  const formsDir = join(dir, 'forms');
  let names: string[];
  try {
    names = readdirSync(formsDir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    throw new TemplateError(`${relative(process.cwd(), formsDir) || formsDir}: 找不到表单模板目录`);
  }
  const forms = names.map((n) => {
    const file = `forms/${n}`;
    const form = parseWith(FormTemplateSchema, readJson(dir, file), file);
    checkForm(form, file);
    return form;
  });
  const byId = new Map(forms.map((f) => [f.id, f]));
  for (const f of forms) {
    const file = `forms/${f.id}.json`;
    if (f.ledger?.after !== undefined && !byId.has(f.ledger.after)) fail(file, 'ledger.after', `表单「${f.ledger.after}」不存在`);
    if (f.rectification) {
      const source = byId.get(f.rectification.form);
      if (!source) fail(file, 'rectification.form', `表单「${f.rectification.form}」不存在`);
      if (source.fields.find((x) => x.key === f.rectification!.field)?.type !== 'rows')
        fail(file, 'rectification.field', `「${f.rectification.field}」须是表单「${source.id}」的清单类字段`);
      if (!f.internal) fail(file, 'internal', '整改事项由问题清单生成，表单须为 internal');
      const status = f.fields.find((x) => x.key === 'status');
      if (status?.type !== 'select' || !RECTIFICATION_STATUSES.every((s) => status.options?.includes(s)))
        fail(file, 'fields', `须有选择类字段 status，选项含${RECTIFICATION_STATUSES.join('、')}`);
    }
  }
  // Record numbers are unique per unit, form and year only if no two forms share a code.
  const codes = new Map<string, string>();
  for (const f of forms) {
    if (f.code === undefined) continue;
    const other = codes.get(f.code);
    if (other) fail(`forms/${f.id}.json`, 'code', `编号代码「${f.code}」已被表单「${other}」使用`);
    codes.set(f.code, f.id);
  }
  const orgFile = 'organisation.example.json';
  const exampleOrganisation = parseWith(OrganisationSchema, readJson(dir, orgFile), orgFile);
  checkOrganisation(exampleOrganisation, orgFile);
  const obligations = parseWith(ObligationsFileSchema, readJson(dir, 'obligations.json'), 'obligations.json');
  checkObligations(obligations, byId, exampleOrganisation);
  const assessment = parseWith(AssessmentSchemeSchema, readJson(dir, 'assessment.json'), 'assessment.json');
  checkAssessment(assessment, obligations);
  const countyFile = 'county.example.json';
  const rawCounty = readJson(dir, countyFile) as { county?: unknown; units?: unknown[] };
  const exampleCounty: ExampleCounty = {
    county: parseWith(OrganisationSchema, rawCounty.county, `${countyFile} county`),
    units: (rawCounty.units ?? []).map((u, i) => parseWith(OrganisationSchema, u, `${countyFile} units.${i}`)),
  };
  checkOrganisation(exampleCounty.county, `${countyFile} county`);
  if (exampleCounty.county.kind !== 'county') fail(countyFile, 'county.kind', '应为 county');
  exampleCounty.units.forEach((u, i) => {
    checkOrganisation(u, `${countyFile} units.${i}`);
    if (u.county !== exampleCounty.county.unit.id) fail(countyFile, `units.${i}.county`, `应为 ${exampleCounty.county.unit.id}`);
  });
  return { forms, form: (id) => byId.get(id), obligations, assessment, exampleOrganisation, exampleCounty };
}

const cache = new Map<string, Catalog>();

/** The catalog for `dir`, read once per process (a Lambda container reads it at cold start). */
export function loadCatalog(dir: string): Catalog {
  let catalog = cache.get(dir);
  if (!catalog) {
    catalog = readCatalog(dir);
    cache.set(dir, catalog);
  }
  return catalog;
}
