/**
 * Reminders for rectification items (DESIGN §15): the responsible person hears on the days before
 * the deadline that the rectification template names (`reminderDays`, the bureau's setting) and on
 * every day it is overdue, through the obligations' channel, claim and log (core/compliance/reminders.ts),
 * so at most once a day per item.
 */
import type { Reminder } from '../compliance/notify.js';
import { dayNumber, parsePeriod, periodLabel } from '../periods.js';
import type { RecordStore } from '../records/record.js';
import { findPerson } from '../roster/organisation.js';
import type { Catalog } from '../templates/catalog.js';
import type { Organisation } from '../templates/templates.js';
import { rectificationForm } from './findings.js';
import { statusOf } from './items.js';

/** The once-a-day key's "obligation" for an item: its id, apart from every obligation's. */
export const itemReminderKey = (id: string) => `RECT-${id}`;

/** The reminders due today for the unit's open items with a deadline and a responsible person still in the roster. */
export async function rectificationReminders(deps: { catalog: Catalog; records: RecordStore }, org: Organisation, today: string): Promise<Reminder[]> {
  const form = rectificationForm(deps.catalog);
  if (!form) return [];
  const days = form.rectification!.reminderDays;
  const out: Reminder[] = [];
  for await (const item of deps.records.iterateByForm(org.unit.id, form.id, '0000-01-01', '9999-12-31')) {
    const deadline = item.data.deadline;
    if (statusOf(item) === '已销号' || typeof deadline !== 'string') continue;
    const left = dayNumber(deadline) - dayNumber(today);
    if (left >= 0 && !days.includes(left)) continue;
    const person = findPerson(org, item.owner);
    if (!person || (person.left && person.left < today)) continue;
    const what = `「${String(item.data.description ?? '')}」（${item.number ?? item.id}）`;
    const p = parsePeriod(item.period);
    out.push({
      to: { id: person.id, name: person.name },
      obligationId: itemReminderKey(item.id),
      title: `问题整改 ${item.number ?? ''}`.trim(),
      form: form.id,
      period: item.period,
      periodLabel: p ? periodLabel(p) : item.period,
      due: deadline,
      daysLeft: left,
      missing: 1,
      subject: person.name,
      text:
        left >= 0
          ? `【意识形态工作台账提醒】${person.name}：整改事项${what}整改期限 ${deadline}，剩余 ${left} 天，请及时报告整改情况。`
          : `【意识形态工作台账提醒】${person.name}：整改事项${what}已逾期 ${-left} 天（整改期限 ${deadline}），请尽快整改并报告。`,
    });
  }
  return out;
}
