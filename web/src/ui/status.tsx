/** Status badges and the legend: the labels of functions/core/ledger/style.ts (the workbook's own), coloured by classes built from it. */
import { STATUS, type StatusKey } from '../../../functions/core/ledger/style.js';

export function StatusBadge({ status, late }: { status: string; late?: boolean }) {
  const key = (status in STATUS ? status : 'not-due') as StatusKey;
  return (
    <span class={`badge status-${key}`}>
      {STATUS[key].label}
      {late ? `（含${STATUS.late.label}）` : ''}
    </span>
  );
}

export function Legend() {
  return (
    <p class="legend" aria-label="图例">
      {(Object.keys(STATUS) as StatusKey[]).map((k) => (
        <span key={k} class={`badge status-${k}`} title={STATUS[k].hint}>
          {STATUS[k].label}
        </span>
      ))}
    </p>
  );
}
