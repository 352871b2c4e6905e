/**
 * The assessment sheet (考核评分表, plan 六(三)): each item of the bureau's scheme scored from the
 * compliance rows, or by the office by hand. A manual score, or an override of a computed one,
 * always carries a reason and who set it; every one is kept, the newest counts.
 */
import type { ComplianceReport } from './compliance.js';
import { findPerson } from '../roster/organisation.js';
import type { AssessmentItem, AssessmentScheme, Organisation } from '../templates/templates.js';

/**
 * The rectification items the assessed period found (DESIGN §15), as they stood on the day
 * assessed: the open ones and which of those were overdue; `ended` says the period is over.
 */
export interface RectificationFacts {
  open: { id: string; number?: string }[];
  overdue: { id: string; number?: string }[];
  ended: boolean;
}

export interface ScoreEntry {
  period: string;
  itemId: string;
  /** null clears an override, returning a computed item to its computed score. */
  score: number | null;
  reason: string;
  by: string;
  at: string;
}

export interface ScoreStore {
  add(unit: string, entry: ScoreEntry): Promise<void>;
  /** Every entry for the period, oldest first. */
  list(unit: string, period: string): Promise<ScoreEntry[]>;
}

export interface AssessmentLine {
  id: string;
  category: string;
  content: string;
  standard: number;
  criteria: string;
  method: AssessmentItem['method'];
  obligation?: string;
  /** Missing instances in periods that have ended (they cost points). */
  missed: number;
  /** Missing instances in periods still running (no deduction yet). */
  pending: number;
  /** What the scheme's rule deducts; null for a manual item. */
  computedDeduction: number | null;
  deduction: number | null;
  score: number | null;
  /** Why points were lost: one line per short row. */
  reasons: string[];
  /** Ids of the records that counted (the ledger's evidence). */
  evidence: string[];
  override?: ScoreEntry & { byName: string };
  /** Every score entry for this item, oldest first: nothing the office set is ever lost. */
  history: (ScoreEntry & { byName: string })[];
}

export interface AssessmentSheet {
  unit: string;
  period: string;
  periodLabel: string;
  asOf: string;
  title: string;
  note?: string;
  items: AssessmentLine[];
  standardTotal: number;
  /** Sum of the scores given; manual items not yet scored count as nothing. */
  total: number;
  /** False while a manual item has no score. */
  complete: boolean;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The newest entry per item (entries oldest first). */
export function latestScores(entries: ScoreEntry[]): Map<string, ScoreEntry> {
  const out = new Map<string, ScoreEntry>();
  for (const e of entries) out.set(e.itemId, e);
  return out;
}

export function assess(
  scheme: AssessmentScheme,
  report: ComplianceReport,
  entries: ScoreEntry[],
  org: Organisation,
  rectification: RectificationFacts = { open: [], overdue: [], ended: false },
): AssessmentSheet {
  const latest = latestScores(entries);
  const items = scheme.items.map((item): AssessmentLine => {
    if (item.method === 'per-overdue-rectification' || item.method === 'per-open-rectification')
      return rectificationLine(item, rectification, entries, latest, org);
    const rows = item.obligation ? report.rows.filter((r) => r.obligationId === item.obligation) : [];
    const missedRows = rows.filter((r) => r.status === 'missed');
    const missed = missedRows.reduce((n, r) => n + r.missing, 0);
    const pending = rows.filter((r) => r.status === 'in-progress').reduce((n, r) => n + r.missing, 0);
    const reasons = missedRows.map(
      (r) =>
        `${r.periodLabel}${r.subject.kind === 'unit' ? '' : r.subject.name}：${r.title}应${r.required}次，实${r.done}次，缺${r.missing}次`,
    );
    const lateCount = rows.reduce((n, r) => n + r.late.length, 0);
    if (lateCount) reasons.push(`其中补报 ${lateCount} 次（期满后补录，计入完成数）`);
    if (pending) reasons.push(`尚在进行中：还差 ${pending} 次，期满前不扣分`);
    let computedDeduction: number | null = null;
    if (item.method === 'per-missing') computedDeduction = round2(Math.min(item.cap ?? item.standard, missed * item.deduction!));
    else if (item.method === 'all-or-nothing') computedDeduction = missed > 0 ? item.standard : 0;
    return scoredLine(item, { missed, pending, computedDeduction, reasons, evidence: [...new Set(rows.flatMap((r) => r.records))] }, entries, latest, org);
  });
  return {
    unit: report.unit,
    period: report.period,
    periodLabel: report.periodLabel,
    asOf: report.asOf,
    title: scheme.title,
    note: scheme.note,
    items,
    standardTotal: round2(items.reduce((n, i) => n + i.standard, 0)),
    total: round2(items.reduce((n, i) => n + (i.score ?? 0), 0)),
    complete: items.every((i) => i.score !== null),
  };
}

const numbersOf = (items: { id: string; number?: string }[]) => items.map((i) => i.number ?? i.id).join('、');

/** A line scored from rectification items: `deduction` each, at most the cap (the standard when absent). */
function rectificationLine(item: AssessmentItem, facts: RectificationFacts, entries: ScoreEntry[], latest: Map<string, ScoreEntry>, org: Organisation): AssessmentLine {
  const overdueOnly = item.method === 'per-overdue-rectification';
  // Overdue is a fact once the deadline has passed; "still open" counts only when the period has ended.
  const counted = overdueOnly ? facts.overdue : facts.ended ? facts.open : [];
  const pending = overdueOnly || facts.ended ? 0 : facts.open.length;
  const reasons: string[] = [];
  if (counted.length) reasons.push(`${overdueOnly ? '逾期未整改' : '期末未销号'}的问题 ${counted.length} 项：${numbersOf(counted)}`);
  if (pending) reasons.push(`尚未销号：${pending} 项，期满前不扣分`);
  const computedDeduction = round2(Math.min(item.cap ?? item.standard, counted.length * item.deduction!));
  return scoredLine(item, { missed: counted.length, pending, computedDeduction, reasons, evidence: counted.map((i) => i.id) }, entries, latest, org);
}

/** One line of the sheet from what was computed for it, the office's latest score overriding it (with its reason kept). */
function scoredLine(
  item: AssessmentItem,
  c: { missed: number; pending: number; computedDeduction: number | null; reasons: string[]; evidence: string[] },
  entries: ScoreEntry[],
  latest: Map<string, ScoreEntry>,
  org: Organisation,
): AssessmentLine {
  const named = (e: ScoreEntry) => ({ ...e, byName: findPerson(org, e.by)?.name ?? e.by });
  const entry = latest.get(item.id);
  const override = entry && entry.score !== null ? named(entry) : undefined;
  const score = override ? override.score : c.computedDeduction === null ? null : round2(item.standard - c.computedDeduction);
  return {
    id: item.id,
    category: item.category,
    content: item.content,
    standard: item.standard,
    criteria: item.criteria,
    method: item.method,
    obligation: item.obligation,
    missed: c.missed,
    pending: c.pending,
    computedDeduction: c.computedDeduction,
    deduction: score === null ? null : round2(item.standard - score),
    score,
    reasons: override ? [...c.reasons, `办公室评定：${override.reason}（${override.byName}）`] : c.reasons,
    evidence: c.evidence,
    override,
    history: entries.filter((e) => e.itemId === item.id).map(named),
  };
}
