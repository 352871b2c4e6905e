/**
 * The plan as data: form templates, obligations and the organisation, each checked against a
 * meta-schema when loaded so that a broken file stops start-up with its file and field named.
 */
import { z } from 'zod';
import { parseCalendarDate } from '../periods.js';
import { FIELD_TYPES, ROLES } from './vocabulary.js';

export { FIELD_TYPES, ROLES, UNIT_ROLES, ROLE_LABELS, type FieldType, type Role } from './vocabulary.js';

const key = z.string().regex(/^[a-z][A-Za-z0-9]{0,39}$/, '字段键须为英文小驼峰（字母开头，最多40个字符）');
const label = z.string().min(1).max(40);

const FieldShape = {
    key,
    label,
    type: z.enum(FIELD_TYPES),
    required: z.boolean().default(false),
    help: z.string().max(200).optional(),
    options: z.array(z.string().min(1).max(40)).min(1).optional(),
    /** Characters for text, items for multiselect and people. */
    minLength: z.int().min(0).optional(),
    maxLength: z.int().min(1).max(20000).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    /** For person and people: only people holding one of these roles on the record's date. */
    roles: z.array(z.enum(ROLES)).min(1).optional(),
    /** How the field becomes a ledger column. */
    ledger: z
      .strictObject({
        width: z.number().min(4).max(80).optional(),
        hidden: z.boolean().optional(),
      })
      .optional(),
};

function checkField(f: { type: string; options?: string[]; roles?: unknown[]; min?: number; max?: number; minLength?: number; maxLength?: number }, ctx: z.RefinementCtx) {
    const choice = f.type === 'select' || f.type === 'multiselect';
    if (choice && !f.options) ctx.addIssue({ code: 'custom', path: ['options'], message: '选择类字段须列出选项' });
    if (!choice && f.options) ctx.addIssue({ code: 'custom', path: ['options'], message: '只有选择类字段可以有选项' });
    if (f.roles && f.type !== 'person' && f.type !== 'people')
      ctx.addIssue({ code: 'custom', path: ['roles'], message: '只有人员字段可以限定角色' });
    if (f.min !== undefined && f.max !== undefined && f.min > f.max)
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'min 不能大于 max' });
    if (f.minLength !== undefined && f.maxLength !== undefined && f.minLength > f.maxLength)
      ctx.addIssue({ code: 'custom', path: ['minLength'], message: 'minLength 不能大于 maxLength' });
    if (f.options && new Set(f.options).size !== f.options.length)
      ctx.addIssue({ code: 'custom', path: ['options'], message: '选项不能重复' });
}

/** A sub-field of a rows field: any plain type, no role limits (checked per record date) and no nesting. */
export const SubFieldSchema = z.strictObject(FieldShape).superRefine((f, ctx) => {
  checkField(f, ctx);
  if (f.type === 'rows') ctx.addIssue({ code: 'custom', path: ['type'], message: '问题清单类字段不能嵌套' });
  if (f.roles) ctx.addIssue({ code: 'custom', path: ['roles'], message: '清单中的人员字段不能限定角色' });
  if (f.key === 'id') ctx.addIssue({ code: 'custom', path: ['key'], message: '「id」是清单每行的保留键' });
});
export type SubField = z.infer<typeof SubFieldSchema>;

export const FieldSchema = z
  .strictObject({
    ...FieldShape,
    /** For rows: the sub-fields of each row, in order; `minLength`/`maxLength` bound the number of rows. */
    fields: z.array(SubFieldSchema).min(1).max(12).optional(),
  })
  .superRefine((f, ctx) => {
    checkField(f, ctx);
    if (f.type === 'rows' && !f.fields) ctx.addIssue({ code: 'custom', path: ['fields'], message: '清单类字段须列出每行的子字段' });
    if (f.type !== 'rows' && f.fields) ctx.addIssue({ code: 'custom', path: ['fields'], message: '只有清单类字段可以有子字段' });
    if (f.fields && new Set(f.fields.map((x) => x.key)).size !== f.fields.length)
      ctx.addIssue({ code: 'custom', path: ['fields'], message: '子字段键重复' });
  });
export type Field = z.infer<typeof FieldSchema>;

/** Cross-field rules: one field compared with another, or required when another has a value. */
export const RuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('lte'), field: key, other: key, message: z.string().min(1) }),
  z.strictObject({ kind: z.literal('gte'), field: key, other: key, message: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('requiredIf'),
    field: key,
    when: key,
    equals: z.union([z.string(), z.boolean()]),
    message: z.string().min(1),
  }),
]);
export type Rule = z.infer<typeof RuleSchema>;

export const PERIOD_KINDS = ['year', 'half', 'quarter', 'month'] as const;

export const FormTemplateSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  title: z.string().min(1).max(40),
  /** Title of the ledger sheet, e.g. 党组会议专题研究意识形态工作台账. */
  ledgerTitle: z.string().min(1).max(60),
  description: z.string().max(500).optional(),
  /** A notice shown above the form. */
  notice: z.string().max(300).optional(),
  /** The required date field that places a record in time; cadences count by it. */
  dateField: key,
  /** The natural period of one record, shown as its 期间 (e.g. a half-year report). */
  period: z.enum(PERIOD_KINDS),
  /**
   * The short code in record numbers, e.g. 研判 in 研判-2026-003 (DESIGN §10). Contract named here
   * for the records work; optional until every shipped template has one.
   */
  code: z.string().min(1).max(6).optional(),
  /** Whether records of this form are reviewed (审核) by the office or the secretary (DESIGN §10). */
  review: z.boolean().default(false),
  /** The person field naming whom a record is about (the subject, DESIGN §10), e.g. `reporter`. */
  subjectField: key.optional(),
  /**
   * How the form prints as a ledger (DESIGN §13): `print` lists the fields shown in the table, in
   * order (the rest print in the record detail; without it every visible field is in the table);
   * `paper` is A4 unless a bureau's form needs A3 to stay legible.
   */
  ledger: z
    .strictObject({
      print: z.array(key).min(1).max(20).optional(),
      paper: z.enum(['A4', 'A3']).default('A4'),
      /** A 佐证材料 column with the number of evidence files of each record. */
      evidenceCount: z.boolean().optional(),
      /** The form whose sheet this one follows (a form of items derived from another's records). */
      after: z.string().optional(),
    })
    .optional(),
  /** Kept by the system, not filed by hand: not offered as a new record, not editable as a record. */
  internal: z.boolean().optional(),
  /**
   * For a form of rectification items (整改销号, DESIGN §15): the form and rows field whose rows
   * become items, and the days before a deadline on which the responsible person is reminded
   * (the bureau's own setting).
   */
  rectification: z
    .strictObject({
      form: z.string(),
      field: key,
      reminderDays: z.array(z.int().min(0).max(366)).max(10).default([]),
      note: z.string().max(300).optional(),
    })
    .optional(),
  fields: z.array(FieldSchema).min(1).max(60),
  rules: z.array(RuleSchema).default([]),
});
export type FormTemplate = z.infer<typeof FormTemplateSchema>;

export const CADENCES = ['year', 'half', 'quarter', 'month', 'event'] as const;
export type Cadence = (typeof CADENCES)[number];

export const ObligationSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9-]{1,10}$/),
  title: z.string().min(1).max(60),
  /** Where the plan asks for it, e.g. 四(三). */
  plan: z.string().max(20),
  form: z.string(),
  /** Field values a record must have to count; an array means any of them. */
  where: z.record(z.string(), z.union([z.string(), z.boolean(), z.array(z.string()).min(1)])).default({}),
  cadence: z.enum(CADENCES),
  /** Records needed per cadence period (per member or division where scoped); 0 for event-driven. */
  minimum: z.int().min(0).max(1000),
  scope: z.enum(['unit', 'member', 'division']).default('unit'),
  /** For scope member: the person field that names the member. */
  personField: key.optional(),
  /** For scope division: the division field, and which divisions owe it. */
  divisionField: key.optional(),
  divisions: z.array(z.string()).optional(),
  /** Only records whose review is approved (已审核) count; otherwise they count when submitted. */
  reviewedOnly: z.boolean().default(false),
  /** Says the count is the bureau's own setting, not the plan's (the plan gives no number). */
  setting: z.boolean().default(false),
  note: z.string().max(300).optional(),
});
export type Obligation = z.infer<typeof ObligationSchema>;

export const ObligationsFileSchema = z.strictObject({
  note: z.string().optional(),
  /** Days after a period ends during which a record still counts as on time. */
  graceDays: z.int().min(0).max(90),
  /**
   * Days before a cadence period's last day on which the scheduler reminds whoever still owes it
   * (e.g. [15, 7, 1]); none when absent. The bureau's own setting, not the plan's.
   */
  reminderDays: z.array(z.int().min(0).max(366)).max(10).default([]),
  obligations: z.array(ObligationSchema).min(1),
});
export type ObligationsFile = z.infer<typeof ObligationsFileSchema>;

export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '应为 YYYY-MM-DD 格式的日期')
  .refine((s) => parseCalendarDate(s) !== undefined, '不是有效的日期');
export const rosterId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/);
const id = rosterId;

export const OrganisationSchema = z.strictObject({
  note: z.string().optional(),
  unit: z.strictObject({ id, name: z.string().min(1).max(60), shortName: z.string().min(1).max(30) }),
  /** `county` for a county organisation (县委宣传部) that oversees units and files no records itself. */
  kind: z.literal('county').optional(),
  /** The county overseeing this unit: one per unit, versioned with the unit's roster (DESIGN §14). */
  county: id.optional(),
  divisions: z
    .array(
      z.strictObject({
        id,
        name: z.string().min(1).max(30),
        /** The first day the division no longer exists; it stays in the roster for the records filed under it. */
        retired: calendarDate.optional(),
      }),
    )
    .min(1),
  people: z
    .array(
      z.strictObject({
        id,
        name: z.string().min(1).max(20),
        title: z.string().max(30).default(''),
        division: id.optional(),
        roles: z.array(z.strictObject({ role: z.enum(ROLES), from: calendarDate, to: calendarDate.optional() })),
        /** The token's `sub` that signs in as this person; the person's id when absent (local sign-in). */
        subject: z.string().min(1).max(200).optional(),
        /** The last day the person belonged to the unit; from the next day they have no access. */
        left: calendarDate.optional(),
      }),
    )
    .min(1),
});
export type Organisation = z.infer<typeof OrganisationSchema>;
export type Person = Organisation['people'][number];

export const AssessmentItemSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9-]{1,10}$/),
  /** 考核项目, e.g. 组织领导. */
  category: z.string().min(1).max(30),
  /** 考核内容及要求. */
  content: z.string().min(1).max(300),
  /** 标准分值. */
  standard: z.number().positive().max(100),
  /** 评分标准, as printed on the sheet. */
  criteria: z.string().min(1).max(300),
  /**
   * per-missing: `deduction` for each missing instance of the obligation, at most `cap`
   * (the standard score when absent); all-or-nothing: any missing instance loses the whole
   * item; manual: the office scores it by hand; per-overdue-rectification: `deduction` for each
   * rectification item found in the period and overdue on the day assessed (the period's end, or
   * today while it runs); per-open-rectification: for each one not closed (已销号) by the period's
   * end, deducted once the period has ended.
   */
  method: z.enum(['per-missing', 'all-or-nothing', 'manual', 'per-overdue-rectification', 'per-open-rectification']),
  obligation: z.string().optional(),
  deduction: z.number().positive().optional(),
  cap: z.number().positive().optional(),
});
export type AssessmentItem = z.infer<typeof AssessmentItemSchema>;

export const AssessmentSchemeSchema = z.strictObject({
  note: z.string().optional(),
  title: z.string().min(1).max(60),
  items: z.array(AssessmentItemSchema).min(1),
});
export type AssessmentScheme = z.infer<typeof AssessmentSchemeSchema>;
