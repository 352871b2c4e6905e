import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { readCatalog, TemplateError } from '../../functions/core/templates/catalog.js';

const TEMPLATES = resolve('templates');

type Json = Record<string, unknown>;
interface FormJson {
  id: string;
  dateField: string;
  fields: Json[];
  rules: Json[];
}
interface ObligationsJson {
  obligations: (Json & { id: string; where?: Record<string, unknown> })[];
}
interface OrganisationJson {
  people: (Json & { id: string })[];
}

/** The error readCatalog throws for `dir`; fails the test when it throws nothing. */
function catalogError(dir: string): TemplateError {
  let caught: unknown;
  try {
    readCatalog(dir);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TemplateError);
  return caught as TemplateError;
}

function indexOf<T>(items: T[], match: (item: T) => boolean, what: string): number {
  const i = items.findIndex(match);
  if (i < 0) throw new Error(`test setup: ${what} not found`);
  return i;
}

describe('catalog', () => {
  describe('the shipped templates', () => {
    const catalog = readCatalog(TEMPLATES);

    it('hold the nine forms in file-name order', () => {
      expect(catalog.forms.map((f) => f.id)).toEqual([
        'democratic-life',
        'inspection',
        'member-report',
        'opinion-response',
        'party-group-meeting',
        'position-check',
        'rectification',
        'situation-analysis',
        'study-session',
      ]);
    });

    it('find a form by id and nothing for an unknown id', () => {
      expect(catalog.form('member-report')?.dateField).toBe('reportDate');
      expect(catalog.form('no-such-form')).toBeUndefined();
    });

    it('hold the obligations O1 to O9, O6 split in two', () => {
      const ids = catalog.obligations.obligations.map((o) => o.id);
      expect(ids).toEqual(['O1', 'O2', 'O3', 'O4', 'O5', 'O6a', 'O6b', 'O7', 'O8', 'O9']);
      const families = [...new Set(ids.map((id) => id.replace(/[a-z]+$/, '')))];
      expect(families).toEqual(['O1', 'O2', 'O3', 'O4', 'O5', 'O6', 'O7', 'O8', 'O9']);
    });

    it('fill in defaults the files leave out', () => {
      const o1 = catalog.obligations.obligations.find((o) => o.id === 'O1');
      expect(o1?.scope).toBe('unit');
      expect(o1?.where).toEqual({});
      expect(o1?.setting).toBe(false);
      expect(catalog.form('position-check')?.fields.find((f) => f.key === 'remarks')?.required).toBe(false);
    });

    it('hold the example organisation', () => {
      expect(catalog.exampleOrganisation.unit.id).toBe('example-bureau');
      expect(catalog.exampleOrganisation.people.map((p) => p.id)).toContain('chen-jie');
    });
  });

  describe('a broken copy of the templates', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'catalog-test-'));
      cpSync(TEMPLATES, dir, { recursive: true });
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    function edit<T>(file: string, change: (json: T) => void): void {
      const path = join(dir, file);
      const json = JSON.parse(readFileSync(path, 'utf8')) as T;
      change(json);
      writeFileSync(path, JSON.stringify(json, null, 2));
    }

    const editForm = (id: string, change: (form: FormJson) => void) => edit<FormJson>(`forms/${id}.json`, change);
    const fieldIndex = (form: FormJson, key: string) => indexOf(form.fields, (f) => f.key === key, `field ${key}`);

    it('reads fine while it is still unchanged', () => {
      expect(readCatalog(dir).forms).toHaveLength(9);
    });

    it('names the file that is not valid JSON', () => {
      const path = join(dir, 'forms/member-report.json');
      writeFileSync(path, readFileSync(path, 'utf8').slice(0, 40));
      expect(catalogError(dir).message).toMatch(/^forms\/member-report\.json: 不是合法的 JSON/);
    });

    it('names the field with an unknown type', () => {
      let i = -1;
      editForm('member-report', (form) => {
        i = fieldIndex(form, 'position');
        form.fields[i]!.type = 'email';
      });
      expect(catalogError(dir).message).toContain(`forms/member-report.json: fields.${i}.type: `);
    });

    it('names a select field without options', () => {
      let i = -1;
      editForm('member-report', (form) => {
        i = fieldIndex(form, 'reportType');
        delete form.fields[i]!.options;
      });
      expect(catalogError(dir).message).toBe(`forms/member-report.json: fields.${i}.options: 选择类字段须列出选项`);
    });

    it('names a duplicate field key', () => {
      editForm('member-report', (form) => {
        form.fields[fieldIndex(form, 'area')]!.key = 'position';
      });
      expect(catalogError(dir).message).toBe('forms/member-report.json: fields: 字段键重复：position');
    });

    it('names a dateField that points at a field that is not a date', () => {
      editForm('member-report', (form) => {
        form.dateField = 'position';
      });
      expect(catalogError(dir).message).toBe('forms/member-report.json: dateField: 「position」须是本表的必填日期字段');
    });

    it('names a dateField that points at an optional date', () => {
      editForm('situation-analysis', (form) => {
        form.dateField = 'deadline';
      });
      expect(catalogError(dir).message).toBe('forms/situation-analysis.json: dateField: 「deadline」须是本表的必填日期字段');
    });

    it('names a rule that refers to a missing field', () => {
      editForm('member-report', (form) => {
        form.rules[0]!.field = 'subject';
      });
      expect(catalogError(dir).message).toBe('forms/member-report.json: rules.0: 引用了不存在的字段「subject」');
    });

    it('names a form whose id does not match its file name', () => {
      editForm('member-report', (form) => {
        form.id = 'member-reports';
      });
      expect(catalogError(dir).message).toMatch(/^forms\/member-report\.json: id: 须与文件名一致/);
    });

    it('names an obligation that refers to an unknown form', () => {
      let i = -1;
      edit<ObligationsJson>('obligations.json', (file) => {
        i = indexOf(file.obligations, (o) => o.id === 'O1', 'O1');
        file.obligations[i]!.form = 'party-meeting';
      });
      expect(catalogError(dir).message).toBe(`obligations.json: obligations.${i}.form: 表单「party-meeting」不存在`);
    });

    it('names an obligation whose where-value is not among the select options', () => {
      let i = -1;
      edit<ObligationsJson>('obligations.json', (file) => {
        i = indexOf(file.obligations, (o) => o.id === 'O2', 'O2');
        file.obligations[i]!.where = { sessionType: '专题学习' };
      });
      expect(catalogError(dir).message).toBe(
        `obligations.json: obligations.${i}.where.sessionType: 「专题学习」不是该字段的选项`,
      );
    });

    it('names an obligation with one bad value in a where-list', () => {
      let i = -1;
      edit<ObligationsJson>('obligations.json', (file) => {
        i = indexOf(file.obligations, (o) => o.id === 'O5', 'O5');
        file.obligations[i]!.where = { sessionType: ['理论学习中心组学习', '读书会'] };
      });
      expect(catalogError(dir).message).toBe(
        `obligations.json: obligations.${i}.where.sessionType: 「读书会」不是该字段的选项`,
      );
    });

    it('names a member-scoped obligation without a personField', () => {
      let i = -1;
      edit<ObligationsJson>('obligations.json', (file) => {
        i = indexOf(file.obligations, (o) => o.id === 'O4', 'O4');
        delete file.obligations[i]!.personField;
      });
      expect(catalogError(dir).message).toBe(
        `obligations.json: obligations.${i}.personField: 按成员考核的义务须指定表单中的人员字段`,
      );
    });

    it('names an organisation person in an unknown division', () => {
      let i = -1;
      edit<OrganisationJson>('organisation.example.json', (org) => {
        i = indexOf(org.people, (p) => p.id === 'liu-yang', 'liu-yang');
        org.people[i]!.division = 'hr';
      });
      expect(catalogError(dir).message).toBe(`organisation.example.json: people.${i}.division: 科室「hr」不存在`);
    });

    it('names a missing obligations.json', () => {
      rmSync(join(dir, 'obligations.json'));
      expect(catalogError(dir).message).toBe('obligations.json: 文件不存在或无法读取');
    });
  });
});

describe('organisation role dates', () => {
  it('refuses a role date that is not on the calendar', async () => {
    const { OrganisationSchema } = await import('../../functions/core/templates/templates.js');
    const org = {
      unit: { id: 'ab', name: '单位', shortName: '单位' },
      divisions: [{ id: 'ab', name: '科室' }],
      people: [{ id: 'pp', name: '某人', roles: [{ role: 'leader', from: '2026-02-30' }] }],
    };
    const result = OrganisationSchema.safeParse(org);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe('people.0.roles.0.from');
  });
});
