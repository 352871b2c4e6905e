import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Reminder } from '../../functions/core/compliance/notify.js';
import { createNotifier, logNotifier, webhookNotifier } from '../../functions/notifiers.js';

const reminder: Reminder = {
  to: { id: 'wang-qiang', name: '王强（示例）' },
  obligationId: 'O4',
  title: '班子成员向党组专题汇报意识形态工作',
  form: 'member-report',
  period: '2026-H2',
  periodLabel: '2026年下半年',
  due: '2026-12-31',
  daysLeft: 33,
  missing: 1,
  subject: '王强（示例）',
};

describe('notifiers', () => {
  it('posts each reminder to a group-robot webhook as a text message', async () => {
    const received: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('{"errcode":0}');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/robot/send`;
    try {
      expect(await webhookNotifier(url).send([reminder, { ...reminder, to: { id: 'zhao-min', name: '赵敏（示例）' } }])).toBe(2);
    } finally {
      server.close();
    }
    expect(received).toHaveLength(2);
    expect(received[0]).toEqual({ msgtype: 'text', text: { content: expect.stringContaining('王强（示例）') } });
    expect(JSON.stringify(received[0])).toContain('剩余 33 天');
  });

  it('fails loudly when the webhook refuses', async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await expect(webhookNotifier(url).send([reminder])).rejects.toThrow(/500/);
    } finally {
      server.close();
    }
  });

  it('logs one line per reminder by default, and needs a URL for the webhook', async () => {
    const lines: string[] = [];
    expect(await logNotifier((l) => lines.push(l)).send([reminder])).toBe(1);
    expect(lines[0]).toContain('wang-qiang');
    expect(createNotifier({ NOTIFIER: 'log' }).channel).toBe('log');
    expect(() => createNotifier({ NOTIFIER: 'webhook' })).toThrow(/NOTIFY_WEBHOOK_URL/);
  });
});
