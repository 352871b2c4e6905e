/**
 * The roster (名册) for the office: people in a table with search, divisions beside them; add a
 * division or a person, give or end a role, mark someone left. Every change names the version it
 * read; a stale one (someone else changed the roster) reloads with a note.
 */
import { useState } from 'preact/hooks';
import type { Organisation } from '../../functions/core/templates/templates.js';
import { ROLE_LABELS, UNIT_ROLES, type Role } from '../../functions/core/templates/vocabulary.js';
import { api, ApiError } from './api.js';
import type { PageProps } from './app.js';
import { Async, confirm, DataTable, Dialog, ErrorNote, Page, toast, useResource } from './ui/index.js';

/** `accounts` says how people sign in where this runs: Cognito invites by e-mail or phone, an external issuer needs the subject. */
type Roster = Organisation & { version: number; accounts?: 'cognito' | 'external' | 'local' };
type Person = Organisation['people'][number];

/** The Shanghai calendar day, as the roster's dates are. */
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const current = (p: Person, day: string) => p.roles.filter((r) => r.from <= day && (r.to === undefined || day <= r.to));

export function RosterPage(_props: PageProps) {
  const r = useResource(() => api<Roster>('GET', '/api/roster'), []);
  const [dialog, setDialog] = useState<{ kind: 'division' } | { kind: 'person' } | { kind: 'role'; person: Person } | undefined>();
  const day = today();

  async function change(method: string, path: string, body: Record<string, unknown>, done: string): Promise<unknown> {
    try {
      await api(method, path, { version: r.data!.version, ...body });
      toast(done, 'success');
      setDialog(undefined);
      r.reload();
      return undefined;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        toast('名册已被他人修改，已刷新，请重试', 'error');
        r.reload();
      }
      return err;
    }
  }

  return (
    <Page
      title="组织名册"
      crumbs={[{ href: '#/', label: '首页' }]}
      lead="本单位的科室、人员和角色。登录只认名册：角色从开始日期当天起生效，到结束日期当天止；标记离开后次日起无法登录。"
      actions={
        <div class="row">
          <button type="button" onClick={() => setDialog({ kind: 'division' })}>
            添加科室
          </button>
          <button type="button" class="primary" onClick={() => setDialog({ kind: 'person' })}>
            添加人员
          </button>
        </div>
      }
    >
      <Async r={r} isEmpty={() => false}>
        {(roster) => {
          const division = (id?: string) => roster.divisions.find((d) => d.id === id)?.name ?? '';
          return (
            <div class="stack">
              <DataTable
                caption="人员"
                rows={roster.people}
                rowKey={(p) => p.id}
                filter
                columns={[
                  { key: 'name', label: '姓名', title: true, text: (p) => p.name },
                  { key: 'id', label: '编号', text: (p) => p.id },
                  { key: 'division', label: '科室', text: (p) => division(p.division) },
                  { key: 'title', label: '职务', text: (p) => p.title },
                  { key: 'roles', label: '当前角色', text: (p) => current(p, day).map((x) => ROLE_LABELS[x.role]).join('、') || '—' },
                  { key: 'state', label: '状态', text: (p) => (p.left !== undefined && p.left < day ? `已离开（${p.left}）` : p.left ? `在册，${p.left} 离开` : '在册') },
                  {
                    key: 'actions',
                    label: '操作',
                    wide: true,
                    text: () => '',
                    render: (p) =>
                      p.left !== undefined && p.left < day ? null : (
                        <div class="row">
                          <button type="button" class="small" onClick={() => setDialog({ kind: 'role', person: p })}>
                            角色
                          </button>
                          <button
                            type="button"
                            class="small danger"
                            onClick={async () => {
                              if (await confirm({ title: '标记离开', message: `${p.name} 今天（${day}）是在本单位的最后一天，明天起无法登录。确定吗？`, danger: true }))
                                await change('PUT', `/api/roster/people/${encodeURIComponent(p.id)}`, { left: day }, `已标记 ${p.name} 离开`);
                            }}
                          >
                            标记离开
                          </button>
                        </div>
                      ),
                  },
                ]}
              />
              <DataTable
                caption="科室"
                rows={roster.divisions}
                rowKey={(d) => d.id}
                columns={[
                  { key: 'name', label: '科室', title: true, text: (d) => d.name },
                  { key: 'id', label: '编号', text: (d) => d.id },
                  { key: 'people', label: '人数', num: true, text: (d) => String(roster.people.filter((p) => p.division === d.id && !(p.left && p.left < day)).length) },
                  { key: 'state', label: '状态', text: (d) => (d.retired ? `${d.retired} 撤销` : '在用') },
                ]}
              />
              {dialog?.kind === 'division' && <DivisionDialog onClose={() => setDialog(undefined)} save={(b) => change('POST', '/api/roster/divisions', b, `已添加科室 ${b.name}`)} />}
              {dialog?.kind === 'person' && (
                <PersonDialog roster={roster} day={day} onClose={() => setDialog(undefined)} save={(b) => change('POST', '/api/roster/people', b, `已添加 ${b.name}`)} />
              )}
              {dialog?.kind === 'role' && (
                <RoleDialog
                  person={dialog.person}
                  day={day}
                  onClose={() => setDialog(undefined)}
                  save={(roles) => change('PUT', `/api/roster/people/${encodeURIComponent(dialog.person.id)}`, { roles }, `已更新 ${dialog.person.name} 的角色`)}
                />
              )}
            </div>
          );
        }}
      </Async>
    </Page>
  );
}

type Save<T> = (body: T) => Promise<unknown>;

function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(await f());
    setBusy(false);
  };
  return { busy, error, run };
}

function Actions({ busy, onClose, form }: { busy: boolean; onClose(): void; form: string }) {
  return (
    <>
      <button type="button" onClick={onClose}>
        取消
      </button>
      <button type="submit" form={form} class="primary" aria-busy={busy} disabled={busy}>
        保存
      </button>
    </>
  );
}

function DivisionDialog({ onClose, save }: { onClose(): void; save: Save<{ id: string; name: string }> }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const s = useSubmit();
  return (
    <Dialog open title="添加科室" onClose={onClose} actions={<Actions busy={s.busy} onClose={onClose} form="division-form" />}>
      <form id="division-form" class="stack-sm" onSubmit={(e) => (e.preventDefault(), s.run(() => save({ id, name })))}>
        <label for="division-name">科室名称</label>
        <input id="division-name" value={name} required onInput={(e) => setName(e.currentTarget.value)} />
        <label for="division-id">科室编号（小写字母、数字、连字符）</label>
        <input id="division-id" value={id} required onInput={(e) => setId(e.currentTarget.value)} />
        <ErrorNote error={s.error} />
      </form>
    </Dialog>
  );
}

function PersonDialog({ roster, day, onClose, save }: { roster: Roster; day: string; onClose(): void; save: Save<Record<string, unknown> & { name: string }> }) {
  const [v, setV] = useState({ id: '', name: '', title: '', division: '', role: '', from: day, email: '', phone: '', subject: '' });
  const set = (k: keyof typeof v) => (e: { currentTarget: { value: string } }) => setV({ ...v, [k]: e.currentTarget.value });
  const s = useSubmit();
  const body = () => ({
    id: v.id,
    name: v.name,
    title: v.title,
    ...(v.division ? { division: v.division } : {}),
    roles: v.role ? [{ role: v.role, from: v.from }] : [],
    ...(roster.accounts === 'cognito' && v.email ? { email: v.email } : {}),
    ...(roster.accounts === 'cognito' && v.phone ? { phone: v.phone } : {}),
    ...(roster.accounts === 'external' ? { subject: v.subject } : {}),
  });
  return (
    <Dialog open title="添加人员" onClose={onClose} actions={<Actions busy={s.busy} onClose={onClose} form="person-form" />}>
      <form id="person-form" class="stack-sm" onSubmit={(e) => (e.preventDefault(), s.run(() => save(body())))}>
        <label for="person-name">姓名</label>
        <input id="person-name" value={v.name} required onInput={set('name')} />
        <label for="person-id">人员编号（登录用，小写字母、数字、连字符）</label>
        <input id="person-id" value={v.id} required onInput={set('id')} />
        <label for="person-title">职务</label>
        <input id="person-title" value={v.title} onInput={set('title')} />
        <label for="person-division">科室</label>
        <select id="person-division" value={v.division} onChange={set('division')}>
          <option value="">（不属于科室）</option>
          {roster.divisions
            .filter((d) => !d.retired || d.retired > day)
            .map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
        </select>
        <label for="person-role">角色</label>
        <select id="person-role" value={v.role} onChange={set('role')}>
          <option value="">（无）</option>
          {UNIT_ROLES.map((r) => (
            <option value={r}>{ROLE_LABELS[r]}</option>
          ))}
        </select>
        <label for="person-from">角色开始日期</label>
        <input id="person-from" type="date" value={v.from} onInput={set('from')} />
        {roster.accounts === 'cognito' && (
          <>
            <label for="person-email">电子邮箱（发送登录邀请，只交给登录服务，不存入名册）</label>
            <input id="person-email" type="email" autocomplete="off" value={v.email} onInput={set('email')} />
            <label for="person-phone">手机号（可选，如 +8613800138000）</label>
            <input id="person-phone" type="tel" autocomplete="off" value={v.phone} onInput={set('phone')} />
          </>
        )}
        {roster.accounts === 'external' && (
          <>
            <label for="person-subject">登录身份（统一身份认证中此人的 sub）</label>
            <input id="person-subject" value={v.subject} required onInput={set('subject')} />
          </>
        )}
        <ErrorNote error={s.error} />
      </form>
    </Dialog>
  );
}

function RoleDialog({ person, day, onClose, save }: { person: Person; day: string; onClose(): void; save: Save<Person['roles']> }) {
  const [role, setRole] = useState<Role>('division-head');
  const [from, setFrom] = useState(day);
  const s = useSubmit();
  const held = current(person, day);
  return (
    <Dialog open title={`${person.name} 的角色`} onClose={onClose} actions={<Actions busy={s.busy} onClose={onClose} form="role-form" />}>
      <div class="stack-sm">
        {held.length ? (
          <ul class="plain-list stack-sm">
            {held.map((h) => (
              <li class="row-between">
                <span>
                  {ROLE_LABELS[h.role]}（自 {h.from}）
                </span>
                <button
                  type="button"
                  class="small danger"
                  onClick={() => s.run(() => save(person.roles.map((x) => (x === h ? { ...x, to: day } : x))))}
                >
                  今天结束
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">目前没有角色。</p>
        )}
        <form id="role-form" class="stack-sm" onSubmit={(e) => (e.preventDefault(), s.run(() => save([...person.roles, { role, from }])))}>
          <label for="role-role">授予角色</label>
          <select id="role-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {UNIT_ROLES.map((r) => (
              <option value={r}>{ROLE_LABELS[r]}</option>
            ))}
          </select>
          <label for="role-from">开始日期</label>
          <input id="role-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </form>
        <ErrorNote error={s.error} />
      </div>
    </Dialog>
  );
}
