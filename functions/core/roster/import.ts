/**
 * Importing a 花名册: the rows of the template workbook (one row per person and role), every row
 * checked with its errors by row and column, then a plan of what would change. Pure: the workbook
 * is read in functions/ledger/roster-workbook.ts, the plan written by the roster service.
 *
 * An import only adds and updates: new people, a changed name, title or division, roles not yet
 * in the roster. It never removes anyone or any role, so the same file imported twice changes
 * nothing the second time.
 */
import { parseCalendarDate } from '../periods.js';
import { UNIT_ROLES, ROLE_LABELS, type Organisation, type Person, type Role } from '../templates/templates.js';
import { personOn, subjectOf } from './roster.js';

/** The template's columns, in order: the Chinese header each cell sits under. */
export const IMPORT_COLUMNS = ['人员编号', '姓名', '职务', '科室', '角色', '开始日期', '结束日期', '登录身份', '备注'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
/** Rows whose 备注 says this are the template's examples and are skipped. */
export const EXAMPLE_MARK = '示例';

export interface ImportRow {
  /** The row's number in the sheet (1 is the header). */
  row: number;
  cells: Partial<Record<ImportColumn, string>>;
}

export interface ImportError {
  path: string;
  message: string;
  row: number;
  column: string;
}

export interface ImportPlan {
  org: Organisation;
  added: Person[];
  changed: { id: string; before: Person; after: Person }[];
  unchanged: number;
  skippedExamples: number;
}

const ID_RE = /^[a-z0-9][a-z0-9-]{1,39}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const letter = (column: ImportColumn) => String.fromCharCode(65 + IMPORT_COLUMNS.indexOf(column));

function roleOf(value: string): Role | undefined {
  if ((UNIT_ROLES as readonly string[]).includes(value)) return value as Role;
  return UNIT_ROLES.find((r) => ROLE_LABELS[r] === value);
}

/** Checks every row and, when none is wrong, the plan; otherwise every error found, by row and column. */
export function planImport(roster: Organisation, rows: ImportRow[], today: string): { plan?: ImportPlan; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const fail = (row: number, column: ImportColumn, message: string) =>
    errors.push({ path: `rows.${row}.${column}`, message: `第 ${row} 行 ${letter(column)} 列（${column}）：${message}`, row, column: letter(column) });

  type Draft = { row: number; id: string; name: string; title: string; division?: string; subject?: string; roles: Person['roles'] };
  const drafts = new Map<string, Draft>();
  const subjects = new Map<string, string>();
  let skippedExamples = 0;

  for (const { row, cells } of rows) {
    const get = (c: ImportColumn) => (cells[c] ?? '').trim();
    if (IMPORT_COLUMNS.every((c) => get(c) === '')) continue;
    if (get('备注').includes(EXAMPLE_MARK)) {
      skippedExamples++;
      continue;
    }
    const before = errors.length;
    const id = get('人员编号');
    const name = get('姓名');
    const title = get('职务');
    if (!id) fail(row, '人员编号', '不能为空');
    else if (!ID_RE.test(id)) fail(row, '人员编号', '应为 2 到 40 位小写字母、数字或连字符，以字母或数字开头');
    if (!name) fail(row, '姓名', '不能为空');
    else if (name.length > 20) fail(row, '姓名', '不能超过 20 个字');
    if (title.length > 30) fail(row, '职务', '不能超过 30 个字');

    const divisionText = get('科室');
    let division: string | undefined;
    if (divisionText) {
      const d = roster.divisions.find((x) => x.id === divisionText || x.name === divisionText);
      if (!d) fail(row, '科室', `名册中没有科室「${divisionText}」，请先添加科室`);
      else if (d.retired !== undefined && d.retired <= today) fail(row, '科室', `科室「${d.name}」已于 ${d.retired} 撤销`);
      else division = d.id;
    }

    const roleText = get('角色');
    const from = get('开始日期');
    const to = get('结束日期');
    let role: Role | undefined;
    const dateOk = (column: ImportColumn, value: string) => {
      if (!DATE_RE.test(value)) return fail(row, column, `「${value}」应为 YYYY-MM-DD 格式的日期`), false;
      if (!parseCalendarDate(value)) return fail(row, column, `${value} 不是有效的日期`), false;
      return true;
    };
    if (roleText) {
      role = roleOf(roleText);
      if (!role) fail(row, '角色', `「${roleText}」不是本系统的角色，应为 ${UNIT_ROLES.map((r) => ROLE_LABELS[r]).join('、')} 之一`);
      if (!from) fail(row, '开始日期', '填写了角色，须填写开始日期');
      const fromOk = from !== '' && dateOk('开始日期', from);
      const toOk = to !== '' && dateOk('结束日期', to);
      if (fromOk && toOk && to < from) fail(row, '结束日期', `结束日期 ${to} 早于开始日期 ${from}`);
    } else if (from || to) fail(row, '角色', '填写了日期，但没有填写角色');

    const subject = get('登录身份');
    if (subject.length > 200) fail(row, '登录身份', '不能超过 200 个字符');
    if (subject && id && subjects.has(subject) && subjects.get(subject) !== id) fail(row, '登录身份', `与 ${subjects.get(subject)} 的登录身份重复`);
    if (errors.length > before) continue;
    if (subject) subjects.set(subject, id);

    const draft = drafts.get(id);
    if (!draft) {
      drafts.set(id, { row, id, name, title, division, subject: subject || undefined, roles: role ? [{ role, from, ...(to ? { to } : {}) }] : [] });
      continue;
    }
    // A person on several rows (one per role) must be the same person on each.
    if (draft.name !== name) fail(row, '姓名', `人员编号 ${id} 在第 ${draft.row} 行的姓名是「${draft.name}」，同一人员不能有两个姓名`);
    if ((draft.division ?? '') !== (division ?? '')) fail(row, '科室', `人员编号 ${id} 在第 ${draft.row} 行属于另一个科室`);
    if (title && draft.title && title !== draft.title) fail(row, '职务', `人员编号 ${id} 在第 ${draft.row} 行的职务是「${draft.title}」`);
    if (subject && draft.subject && subject !== draft.subject) fail(row, '登录身份', `人员编号 ${id} 在第 ${draft.row} 行的登录身份不同`);
    if (role && draft.roles.some((r) => r.role === role && r.from === from)) fail(row, '角色', `与第 ${draft.row} 行重复（同一角色、同一开始日期）`);
    if (errors.length > before) continue;
    if (role) draft.roles.push({ role, from, ...(to ? { to } : {}) });
    if (!draft.title) draft.title = title;
    if (!draft.subject && subject) draft.subject = subject;
  }

  // Against the roster: a subject that already belongs to someone else.
  for (const d of drafts.values()) {
    const s = d.subject ?? d.id;
    const holder = roster.people.find((p) => p.id !== d.id && subjectOf(p) === s);
    if (holder) fail(d.row, '登录身份', `登录身份 ${s} 已属于名册中的 ${holder.name}`);
    const existing = roster.people.find((p) => p.id === d.id);
    if (existing && existing.left !== undefined && !personOn(roster, existing.id, today)) fail(d.row, '人员编号', `${existing.name} 已于 ${existing.left} 离开，不能通过导入恢复`);
  }
  if (errors.length) return { errors: errors.sort((a, b) => a.row - b.row || a.column.localeCompare(b.column)) };

  const added: Person[] = [];
  const changed: ImportPlan['changed'] = [];
  let unchanged = 0;
  const people = [...roster.people];
  for (const d of drafts.values()) {
    const at = people.findIndex((p) => p.id === d.id);
    if (at < 0) {
      const person: Person = { id: d.id, name: d.name, title: d.title, roles: d.roles, ...(d.division ? { division: d.division } : {}), ...(d.subject ? { subject: d.subject } : {}) };
      people.push(person);
      added.push(person);
      continue;
    }
    const before = people[at]!;
    const after: Person = { ...before, name: d.name, roles: [...before.roles] };
    if (d.title) after.title = d.title;
    if (d.division) after.division = d.division;
    if (d.subject) after.subject = d.subject;
    for (const r of d.roles) {
      const same = after.roles.findIndex((x) => x.role === r.role && x.from === r.from);
      // The same role from the same day: the file may end it (or say it has not ended).
      if (same < 0) after.roles.push(r);
      else after.roles[same] = r;
    }
    if (JSON.stringify(after) === JSON.stringify(before)) unchanged++;
    else {
      people[at] = after;
      changed.push({ id: d.id, before, after });
    }
  }
  return { plan: { org: { ...roster, people }, added, changed, unchanged, skippedExamples }, errors: [] };
}
