/**
 * The templates' fixed vocabulary (field types, roles and their Chinese names), in a module that
 * imports nothing: the web app's first screen shows role names without loading zod.
 */
export const FIELD_TYPES = [
  'text',
  'longtext',
  'date',
  'number',
  'integer',
  'select',
  'multiselect',
  'person',
  'people',
  'division',
  'boolean',
  /** Repeated rows of sub-fields (e.g. an inspection's 问题清单); each row keeps a stable `id`. */
  'rows',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** `county` is held only in a county organisation (县委宣传部), above the units (DESIGN §14). */
export const ROLES = ['secretary', 'leader', 'division-head', 'office', 'county'] as const;
export type Role = (typeof ROLES)[number];
/** The roles a unit's office gives (the roster page, the 花名册 template): every role but `county`. */
export const UNIT_ROLES = ROLES.filter((r): r is Exclude<Role, 'county'> => r !== 'county');

/** The Chinese name of each role, on forms' messages and in the web app. */
export const ROLE_LABELS: Record<Role, string> = {
  secretary: '党组书记',
  leader: '班子成员',
  'division-head': '科室负责人',
  office: '办公室',
  county: '县委宣传部',
};
