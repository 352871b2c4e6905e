/**
 * What a compilation shows besides the ledgers themselves: the compliance matrix on the cover,
 * the assessment sheet and the monthly summary. The workbook writer renders these as generic
 * tables; the compliance and assessment modules supply them through a ContentProvider.
 */
import type { StatusKey } from './style.js';

/** A cell coloured by status (met, in progress, missed, late, not due) with its own text. */
export interface StatusCell {
  status: StatusKey;
  text: string;
}

export type TableValue = string | number | null | StatusCell;

export interface TableColumn {
  header: string;
  /** Excel width units; about 1.9 per Chinese character. */
  width: number;
  /** text (default); number; date (a `YYYY-MM-DD` string becomes a date cell); status (coloured). */
  kind?: 'text' | 'number' | 'date' | 'status';
}

/** A plain table sheet: a merged title row, one header row, rows, and notes below. */
export interface TableSheet {
  /** The sheet tab's name (made unique and at most 31 characters by the writer). */
  name: string;
  /** The merged title above the table. */
  title: string;
  columns: TableColumn[];
  rows: TableValue[][];
  /** 合计 and other total rows, written below the rows and outside the filter's range. */
  totals?: TableValue[][];
  notes?: string[];
}

export interface CompilationContent {
  cover: {
    /** Extra label/value lines under the unit, period, compiler and time. */
    facts: [string, string][];
    /** The compliance matrix, shown on the cover with a colour legend. */
    matrix: TableSheet;
  };
  assessment: TableSheet;
  monthly: TableSheet;
  /**
   * Records per form dated in the compilation's range, where the figures' own read covered that
   * range; a compilation's progress total takes them instead of counting those forms again.
   */
  recordCounts?: Record<string, number>;
}

/**
 * Supplies the content for one unit and period, counting records dated up to `asOf` (`YYYY-MM-DD`,
 * China Standard Time). Called once per compilation, before the first sheet is written.
 */
export type ContentProvider = (unit: string, period: string, asOf: string) => Promise<CompilationContent>;

export const isStatusCell = (v: TableValue): v is StatusCell => typeof v === 'object' && v !== null;
