/**
 * Notifier implementations. `log` writes one line per reminder (the local default); `webhook`
 * posts each reminder as a text message in the JSON shape that DingTalk and WeCom group robots
 * both accept. A bureau adds another channel by implementing Notifier and naming it here.
 */
import { reminderText, type Notifier } from './core/compliance/notify.js';

export function logNotifier(log: (line: string) => void = (l) => console.log(l)): Notifier {
  return {
    channel: 'log',
    async send(reminders) {
      for (const r of reminders) log(JSON.stringify({ level: 'info', msg: 'reminder', to: r.to.id, text: reminderText(r) }));
      return reminders.length;
    },
  };
}

export function webhookNotifier(url: string): Notifier {
  return {
    channel: 'webhook',
    async send(reminders) {
      let sent = 0;
      for (const r of reminders) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ msgtype: 'text', text: { content: reminderText(r) } }),
          signal: AbortSignal.timeout(10_000),
        });
        if (!res.ok) throw new Error(`webhook answered ${res.status}`);
        sent++;
      }
      return sent;
    },
  };
}

export function createNotifier(config: { NOTIFIER: 'log' | 'webhook'; NOTIFY_WEBHOOK_URL?: string }): Notifier {
  if (config.NOTIFIER === 'webhook') {
    if (!config.NOTIFY_WEBHOOK_URL) throw new Error('configuration: NOTIFY_WEBHOOK_URL is required when NOTIFIER=webhook');
    return webhookNotifier(config.NOTIFY_WEBHOOK_URL);
  }
  return logNotifier();
}
