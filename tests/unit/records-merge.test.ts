import { describe, expect, it } from 'vitest';
import { dataAtVersion, mergeFields, resolveMerge } from '../../functions/core/records/merge.js';

const base = { reporter: 'wang-qiang', summary: '原摘要', note: '原备注', topics: ['a', 'b'] };

describe('mergeFields', () => {
  it('keeps both sides when each changed a different field (the two-tab case)', () => {
    const theirs = { ...base, summary: 'A 改的摘要' };
    const mine = { ...base, note: 'B 改的备注' };
    const r = mergeFields(base, theirs, mine, ['reporter', 'summary', 'note', 'topics']);
    expect(r.merged).toEqual({ ...base, summary: 'A 改的摘要', note: 'B 改的备注' });
    expect(r.conflicts).toEqual([]);
    expect(r.fromTheirs).toEqual(['summary']);
    expect(r.fromMine).toEqual(['note']);
  });

  it('reports a field changed on both sides to different values, with all three values', () => {
    const r = mergeFields(base, { ...base, summary: '他' }, { ...base, summary: '我' });
    expect(r.conflicts).toEqual([{ field: 'summary', base: '原摘要', theirs: '他', mine: '我' }]);
    expect(r.merged.summary).toBe('他');
  });

  it('treats the same change on both sides as no conflict', () => {
    const r = mergeFields(base, { ...base, summary: '同' }, { ...base, summary: '同' });
    expect(r.conflicts).toEqual([]);
    expect(r.merged.summary).toBe('同');
  });

  it('merges a removal on one side and treats absent, empty string and empty list alike', () => {
    const { note: _n, ...withoutNote } = base;
    const r = mergeFields(base, withoutNote, { ...base, topics: ['a', 'b'], extra: '' });
    expect(r.merged).toEqual(withoutNote);
    expect(r.fromTheirs).toEqual(['note']);
    const r2 = mergeFields({ x: [] }, {}, { x: undefined });
    expect(r2).toEqual({ merged: {}, conflicts: [], fromTheirs: [], fromMine: [] });
  });

  it('compares lists by value and order, objects regardless of key order', () => {
    expect(mergeFields({ t: ['a', 'b'] }, { t: ['a', 'b'] }, { t: ['b', 'a'] }).fromMine).toEqual(['t']);
    expect(mergeFields({ o: { a: 1, b: 2 } }, { o: { b: 2, a: 1 } }, { o: { a: 1, b: 2 } }).fromTheirs).toEqual([]);
  });

  it('a removal on one side against a change on the other is a conflict', () => {
    const r = mergeFields({ note: 'x' }, {}, { note: 'y' });
    expect(r.conflicts).toEqual([{ field: 'note', base: 'x', theirs: undefined, mine: 'y' }]);
  });
});

describe('resolveMerge', () => {
  it('applies each choice, and an empty choice removes the field', () => {
    const r = mergeFields({ s: '基', n: '基' }, { s: '他', n: '' }, { s: '我', n: '我' });
    expect(r.conflicts.map((c) => c.field)).toEqual(['s', 'n']);
    expect(resolveMerge(r, { s: 'mine', n: 'theirs' })).toEqual({ s: '我' });
    expect(resolveMerge(r, { s: 'base', n: 'base' })).toEqual({ s: '基', n: '基' });
  });
  it('refuses to resolve while a conflict has no choice', () => {
    const r = mergeFields({ s: '基' }, { s: '他' }, { s: '我' });
    expect(() => resolveMerge(r, {})).toThrow();
  });
});

describe('dataAtVersion', () => {
  const history = [
    { version: 1, changes: [{ field: 'summary', after: '一' }, { field: 'note', after: '注' }] },
    { version: 2, changes: [{ field: 'summary', before: '一', after: '二' }] },
    { version: 3, changes: [{ field: 'note', before: '注' }] },
  ];
  it('rebuilds each version from field changes', () => {
    expect(dataAtVersion(history, 1)).toEqual({ summary: '一', note: '注' });
    expect(dataAtVersion(history, 2)).toEqual({ summary: '二', note: '注' });
    expect(dataAtVersion(history, 3)).toEqual({ summary: '二' });
  });
  it('uses whole data where the history carries it, and says when a version is missing', () => {
    expect(dataAtVersion([{ version: 1, data: { a: 1 } }, { version: 2, data: { a: 2 } }], 1)).toEqual({ a: 1 });
    expect(dataAtVersion(history, 7)).toBeUndefined();
  });
});
