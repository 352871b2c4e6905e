/** Reminders: who owes what, and the pluggable channel that sends them. */

export interface Reminder {
  to: { id: string; name: string };
  obligationId: string;
  title: string;
  form: string;
  period: string;
  periodLabel: string;
  due: string;
  daysLeft: number;
  missing: number;
  /** For whom the record is owed: the person, the division or the unit. */
  subject: string;
  /** The words to send, where they are not an obligation's (a rectification item's deadline). */
  text?: string;
}

/** A channel (SMS, DingTalk, WeCom, e-mail…). Returns how many reminders it sent. */
export interface Notifier {
  channel: string;
  send(reminders: Reminder[]): Promise<number>;
}

export function reminderText(r: Reminder): string {
  if (r.text) return r.text;
  return `【意识形态工作台账提醒】${r.to.name}：${r.periodLabel}「${r.title}」（${r.subject}）还差 ${r.missing} 次，截止 ${r.due}，剩余 ${r.daysLeft} 天。`;
}
