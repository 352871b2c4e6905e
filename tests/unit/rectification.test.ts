/** The rectification rules as pure functions: overdue on the Shanghai day boundary, and who may take which step. */
import { describe, expect, it } from 'vitest';
import { allowedActions, isOverdue } from '../../functions/core/rectification/items.js';
import { shanghaiDate } from '../../functions/core/periods.js';
import type { RecordState } from '../../functions/core/records/record.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { TEMPLATES_DIR } from '../helpers/api.js';
import { findPerson } from '../../functions/core/roster/organisation.js';

const org = readCatalog(TEMPLATES_DIR).exampleOrganisation;
const item = (status: string, deadline?: string): RecordState => ({
  id: 'Zunit00000000000000000000000000',
  unit: org.unit.id,
  templateId: 'rectification',
  version: 1,
  status: 'active',
  date: '2026-11-20',
  period: '2026-H2',
  owner: 'xu-jing',
  division: 'policy',
  data: { foundOn: '2026-11-20', status, ...(deadline ? { deadline } : {}) },
  createdAt: '2026-11-20T02:00:00.000Z',
  createdBy: 'sun-li',
  updatedAt: '2026-11-20T02:00:00.000Z',
  updatedBy: 'sun-li',
});

describe('overdue', () => {
  it('begins at Shanghai midnight after the deadline: 15:59Z is still the deadline day, 16:00Z the next', () => {
    const open = item('整改中', '2026-12-10');
    expect(isOverdue(open, shanghaiDate(new Date('2026-12-10T15:59:59.999Z')))).toBe(false);
    expect(isOverdue(open, shanghaiDate(new Date('2026-12-10T16:00:00.000Z')))).toBe(true);
  });

  it('never holds for a closed item or one without a deadline', () => {
    expect(isOverdue(item('已销号', '2026-01-01'), '2026-12-31')).toBe(false);
    expect(isOverdue(item('待整改'), '2026-12-31')).toBe(false);
    expect(isOverdue(item('待销号', '2026-01-01'), '2026-12-31')).toBe(true);
  });
});

describe('the steps open to each role', () => {
  const caller = (id: string) => {
    const p = findPerson(org, id)!;
    return { caller: { id, unit: org.unit.id, roles: p.roles.map((r) => r.role) }, person: p };
  };
  const open = (id: string, status: string) => {
    const { caller: c, person } = caller(id);
    return allowedActions(c, person, item(status, '2026-12-10'));
  };

  it('gives the responsible person and their division head report and submit, the office close, return and extend', () => {
    expect(open('xu-jing', '待整改')).toEqual(['report']);
    expect(open('zhou-tao', '整改中')).toEqual(['report', 'submit']);
    expect(open('sun-li', '整改中')).toEqual(['extend']);
    expect(open('sun-li', '待销号')).toEqual(['close', 'return', 'extend']);
    expect(open('xu-jing', '待销号')).toEqual([]);
    expect(open('wu-fang', '整改中')).toEqual([]);
    expect(open('zhang-wei', '待销号')).toEqual([]);
    expect(open('sun-li', '已销号')).toEqual([]);
  });
});
