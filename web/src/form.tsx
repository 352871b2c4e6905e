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

export function toValues(form: FormTemplate, data: Record<string, unknown>): Values {
  const out: Values = {};
  for (const f of form.fields) {
    const v = data[f.key];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out[f.key] = v.map(String);
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
    if (f.type === 'number' || f.type === 'integer') {
      const n = Number(v);
      data[f.key] = typeof v === 'string' && v.trim() !== '' && Number.isFinite(n) ? n : v;
    } else if (f.type === 'boolean') data[f.key] = v === 'true';
    else data[f.key] = v;
  }
  return data;
}

/** Field errors by key from `{path: 'data.key…'}` errors; the rest are for the whole form. */
export function byField(errors: FieldError[]): { fields: Record<string, string>; general: string[] } {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const e of errors) {
    const [head, key] = e.path.split('.');
    if (head === 'data' && key) fields[key] ??= e.message;
    else general.push(e.path ? `${e.path}：${e.message}` : e.message);
  }
  return { fields, general };
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
  const { fields, general } = useMemo(() => byField(errors), [errors]);
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
    default:
      return String(value);
  }
}
