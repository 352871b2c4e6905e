/**
 * Following a job (DESIGN §12): start it, then poll its Location until it is done or failed,
 * reporting progress on the way. Kept apart from any page so the component layer can re-house it.
 */
import { api } from './api.js';

export interface JobState {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: { done: number; total?: number };
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `/api/<collection>/<id>` every `everyMs` until the job ends; resolves with its last state. */
export async function followJob<T extends JobState>(path: string, onUpdate: (job: T) => void, everyMs = 1000): Promise<T> {
  for (;;) {
    const job = await api<T>('GET', path);
    onUpdate(job);
    if (job.status === 'done' || job.status === 'failed') return job;
    await sleep(everyMs);
  }
}

/** Starts a job with POST and follows it to its end. */
export async function runJob<T extends JobState>(collection: string, body: unknown, onUpdate: (job: T) => void): Promise<T> {
  const started = await api<T>('POST', collection, body);
  onUpdate(started);
  return followJob<T>(`${collection}/${encodeURIComponent(started.id)}`, onUpdate);
}
