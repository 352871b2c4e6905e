/**
 * A record's form, rendered from its template and checked with the very schema compiler the API
 * uses, so the browser shows the API's own messages next to each field before anything is sent.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { shanghaiDate } from '../../functions/core/periods.js';
import { holdsRole } from '../../functions/core/roster/organisation.js';
import { compileSchema, toFieldErrors } from '../../functions/core/templates/schema.js';
import type { Field, FormTemplate, Organisation } from '../../functions/core/templates/templates.js';
import type { FieldError } from './api.js';
import { announce } from './ui/index.js';

/** What the inputs hold: strings for text-like inputs, string lists for checkboxes. */
export type Values = Record<string, string | string[]>;

/** One row of a rows field as its inputs hold it: sub-field values as strings, and the row's id. */
export type RowValues = Record<string, string>;

/** A rows field's inputs are kept as JSON text of RowValues[], so a draft stays plain strings. */
export function rowsOf(v: string | string[] | undefined): RowValues[] {
  if (typeof v !== 'string' || !v) return [];
  try {
    const rows = JSON.parse(v) as unknown;
    return Array.isArray(rows) ? (rows as RowValues[]) : [];
  } catch {
    return [];
  }
}

export function toValues(form: FormTemplate, data: Record<string, unknown>): Values {
  const out: Values = {};
  for (const f of form.fields) {
    const v = data[f.key];
    if (v === undefined || v === null) continue;
    if (f.type === 'rows' && Array.isArray(v))
      out[f.key] = JSON.stringify(v.map((row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, x]) => [k, String(x)]))));
    else if (Array.isArray(v)) out[f.key] = v.map(String);
    else if (typeof v === 'boolean') out[f.key] = v ? 'true' : 'false';
    else out[f.key] = String(v);
  }
  return out;
}

/** The record's data from the inputs: empty inputs are left out, numbers become numbers. */
export function toData(form: FormTemplate, values: Values): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const f of form.fields) {
    const v = values[f.key];
    if (v === undefined || (typeof v === 'string' && v === '') || (Array.isArray(v) && v.length === 0)) continue;
    if (f.type === 'rows') {
      // Empty sub-inputs are left out, as empty fields are; a wholly empty list is no list.
      const rows = rowsOf(v).map((row) => toData({ ...form, fields: [{ key: 'id', label: 'id', type: 'text', required: false }, ...(f.fields as Field[])] }, row));
      if (rows.length) data[f.key] = rows;
    } else if (f.type === 'number' || f.type === 'integer') {
      const n = Number(v);
      data[f.key] = typeof v === 'string' && v.trim() !== '' && Number.isFinite(n) ? n : v;
    } else if (f.type === 'boolean') data[f.key] = v === 'true';
    else data[f.key] = v;
  }
  return data;
}

/** Field errors by key from `{path: 'data.key…'}` errors; the rest are for the whole form. */
export function byField(errors: FieldError[]): { fields: Record<string, string>; general: string[]; paths: Record<string, string> } {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  // Whole paths under data (e.g. findingsList.2.deadline), for the inputs of a rows field's rows.
  const paths: Record<string, string> = {};
  for (const e of errors) {
    const [head, key] = e.path.split('.');
    if (head === 'data' && key) {
      fields[key] ??= e.message;
      paths[e.path.slice(5)] ??= e.message;
    } else general.push(e.path ? `${e.path}：${e.message}` : e.message);
  }
  return { fields, general, paths };
}

export function validate(form: FormTemplate, org: Organisation, values: Values): FieldError[] {
  const schema = compileSchema(form, { org, today: shanghaiDate(new Date()) });
  const result = schema.safeParse(toData(form, values));
  return result.success ? [] : toFieldErrors(result.error.issues, ['data']);
}

interface Props {
  form: FormTemplate;
  org: Organisation;
  values: Values;
  onChange(values: Values): void;
  /** Errors from the browser's check or from the API's 400. */
  errors: FieldError[];
  submitting: boolean;
  submitLabel: string;
  onSubmit(): void;
  onCancel?(): void;
  /** Fields shown but not changeable, each with the reason shown under it (the subject for non-office filers). */
  locked?: Record<string, string>;
}

function choices(f: Field, org: Organisation, date: string | undefined) {
  if (f.type === 'division') return org.divisions.map((d) => ({ value: d.id, label: d.name }));
  const people = org.people.filter(
    (p) => !f.roles || !date || f.roles.some((r) => holdsRole(p, r, date)),
  );
  return people.map((p) => ({ value: p.id, label: `${p.name}${p.title ? `（${p.title}）` : ''}` }));
}

export function RecordForm(props: Props) {
  const { form, org, values, errors } = props;
  const { fields, general, paths } = useMemo(() => byField(errors), [errors]);
  const date = values[form.dateField] as string | undefined;
  const formRef = useRef<HTMLFormElement>(null);

  // Put the cursor on the first field in error, so a keyboard or screen-reader user lands there.
  useEffect(() => {
    const first = form.fields.find((f) => fields[f.key]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first.key}"]`)?.focus();
    const n = Object.keys(fields).length + general.length;
    if (n) announce(`有 ${n} 处需要修改`);
  }, [errors]);

  const set = (key: string, v: string | string[]) => props.onChange({ ...values, [key]: v });

  return (
    <form
      ref={formRef}
      class="record-form card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!props.submitting) props.onSubmit();
      }}
    >
      {form.notice && <p class="notice">{form.notice}</p>}
      {general.length > 0 && (
        <div class="alert" role="alert">
          {general.map((g) => (
            <p key={g}>{g}</p>
          ))}
        </div>
      )}
      {form.fields.map((f) => {
        const id = `f-${f.key}`;
        const err = fields[f.key];
        const lockedWhy = props.locked?.[f.key];
        const describedBy = [err ? `${id}-err` : '', f.help ? `${id}-help` : '', lockedWhy ? `${id}-lock` : ''].filter(Boolean).join(' ') || undefined;
        const common = { id, name: f.key, 'aria-invalid': err ? true : undefined, 'aria-describedby': describedBy, 'aria-required': f.required ? true : undefined, disabled: lockedWhy ? true : undefined };
        const v = values[f.key];
        let input;
        switch (f.type) {
          case 'longtext':
            input = <textarea {...common} rows={4} value={(v as string) ?? ''} onInput={(e) => set(f.key, e.currentTarget.value)} />;
            break;
          case 'date':
            input = <input {...common} type="date" value={(v as string) ?? ''} onInput={(e) => set(f.key, e.currentTarget.value)} />;
            break;
          case 'number':
          case 'integer':
            input = (
              <input {...common} type="text" inputMode={f.type === 'integer' ? 'numeric' : 'decimal'} value={(v as string) ?? ''} onInput={(e) => set(f.key, e.currentTarget.value)} />
            );
            break;
          case 'select':
          case 'person':
          case 'division': {
            const opts = f.type === 'select' ? f.options!.map((o) => ({ value: o, label: o })) : choices(f, org, date);
            input = (
              <select {...common} value={(v as string) ?? ''} onChange={(e) => set(f.key, e.currentTarget.value)}>
                <option value="">请选择</option>
                {opts.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            );
            break;
          }
          case 'boolean':
            input = (
              <select {...common} value={(v as string) ?? ''} onChange={(e) => set(f.key, e.currentTarget.value)}>
                <option value="">未填</option>
                <option value="true">是</option>
                <option value="false">否</option>
              </select>
            );
            break;
          case 'multiselect':
          case 'people': {
            const opts = f.type === 'multiselect' ? f.options!.map((o) => ({ value: o, label: o })) : choices(f, org, date);
            const chosen = (v as string[] | undefined) ?? [];
            input = (
              <fieldset class="checks" id={id} aria-describedby={describedBy} aria-invalid={err ? true : undefined}>
                <legend class="sr-only">{f.label}</legend>
                {opts.map((o, i) => (
                  <label key={o.value} class="check">
                    <input
                      type="checkbox"
                      name={i === 0 ? f.key : undefined}
                      checked={chosen.includes(o.value)}
                      onChange={(e) =>
                        set(f.key, e.currentTarget.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))
                      }
                    />
                    {o.label}
                  </label>
                ))}
              </fieldset>
            );
            break;
          }
          case 'rows':
            input = <RowsEditor field={f} org={org} date={date} value={v} errors={paths} describedBy={describedBy} onChange={(x) => set(f.key, x)} />;
            break;
          default:
            input = <input {...common} type="text" value={(v as string) ?? ''} onInput={(e) => set(f.key, e.currentTarget.value)} />;
        }
        return (
          <div class="control" key={f.key}>
            <label for={id}>
              {f.label}
              {f.required && <span class="req" aria-hidden="true"> *</span>}
            </label>
            {input}
            {f.help && (
              <p class="help" id={`${id}-help`}>
                {f.help}
              </p>
            )}
            {lockedWhy && (
              <p class="help" id={`${id}-lock`}>
                {lockedWhy}
              </p>
            )}
            {err && (
              <p class="error" id={`${id}-err`}>
                {err}
              </p>
            )}
          </div>
        );
      })}
      <div class="actions sticky-actions">
        <button type="submit" class="primary" aria-busy={props.submitting} disabled={props.submitting}>
          {props.submitting ? '正在提交…' : props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            取消
          </button>
        )}
      </div>
    </form>
  );
}

/**
 * The rows of a rows field (问题清单): each row a group of its sub-fields with a remove button, and
 * an add button; a row keeps its `id`, so what it became (a rectification item) stays linked.
 */
function RowsEditor(props: { field: Field; org: Organisation; date?: string; value: string | string[] | undefined; errors: Record<string, string>; describedBy?: string; onChange(v: string): void }) {
  const { field, org } = props;
  const rows = rowsOf(props.value);
  const put = (next: RowValues[]) => props.onChange(next.length ? JSON.stringify(next) : '');
  const subs = (field.fields ?? []) as Field[];
  return (
    <div class="rows stack-sm" id={`f-${field.key}`} aria-describedby={props.describedBy}>
      {rows.map((row, i) => (
        <fieldset key={row.id ?? `new-${i}`} class="card stack-sm row-card">
          <legend>
            {field.label} 第 {i + 1} 项
          </legend>
          {subs.map((sub) => {
            const id = `f-${field.key}-${i}-${sub.key}`;
            const err = props.errors[`${field.key}.${i}.${sub.key}`];
            const common = { id, name: `${field.key}.${i}.${sub.key}`, 'aria-invalid': err ? true : undefined, 'aria-describedby': err ? `${id}-err` : undefined, 'aria-required': sub.required ? true : undefined };
            const value = row[sub.key] ?? '';
            const set = (x: string) => put(rows.map((r, j) => (j === i ? { ...r, [sub.key]: x } : r)));
            let input;
            if (sub.type === 'longtext') input = <textarea {...common} rows={2} value={value} onInput={(e) => set(e.currentTarget.value)} />;
            else if (sub.type === 'date') input = <input {...common} type="date" value={value} onInput={(e) => set(e.currentTarget.value)} />;
            else if (sub.type === 'select' || sub.type === 'person' || sub.type === 'division') {
              const opts = sub.type === 'select' ? sub.options!.map((o) => ({ value: o, label: o })) : choices(sub, org, props.date);
              input = (
                <select {...common} value={value} onChange={(e) => set(e.currentTarget.value)}>
                  <option value="">请选择</option>
                  {opts.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              );
            } else input = <input {...common} type="text" value={value} onInput={(e) => set(e.currentTarget.value)} />;
            return (
              <div class="control" key={sub.key}>
                <label for={id}>
                  {sub.label}
                  {sub.required && <span class="req" aria-hidden="true"> *</span>}
                </label>
                {input}
                {sub.help && <p class="help">{sub.help}</p>}
                {err && (
                  <p class="error" id={`${id}-err`}>
                    {err}
                  </p>
                )}
              </div>
            );
          })}
          <div class="actions">
            <button type="button" onClick={() => put(rows.filter((_, j) => j !== i))}>
              删除第 {i + 1} 项
            </button>
          </div>
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" onClick={() => put([...rows, {}])}>
          添加{field.label.replace(/清单$/, '')}
        </button>
      </div>
    </div>
  );
}

/** Shows a value of a record the way a person reads it. */
export function display(f: Field, value: unknown, org: Organisation): string {
  if (value === undefined || value === null || value === '') return '—';
  const person = (id: unknown) => org.people.find((p) => p.id === id)?.name ?? String(id);
  switch (f.type) {
    case 'person':
      return person(value);
    case 'people':
      return (value as unknown[]).map(person).join('、');
    case 'division':
      return org.divisions.find((d) => d.id === value)?.name ?? String(value);
    case 'multiselect':
      return (value as string[]).join('、');
    case 'boolean':
      return value ? '是' : '否';
    case 'rows':
      return (value as Record<string, unknown>[])
        .map((row, i) => `${i + 1}. ${((f.fields ?? []) as Field[]).map((sub) => (row[sub.key] === undefined ? '' : `${sub.label}：${display(sub, row[sub.key], org)}`)).filter(Boolean).join('；')}`)
        .join('\n');
    default:
      return String(value);
  }
}
