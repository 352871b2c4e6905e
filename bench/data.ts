/**
 * Benchmark records: values for every field of every shipped form, different in every record yet
 * the same in every run, cheap to make (text is a slice of one long string). Long text has line
 * breaks, `<>&` and a 4-byte character (𠮷), as in notes/EXCEL.md's measurements.
 */
import type { Catalog } from '../functions/core/templates/catalog.js';
import type { RecordState } from '../functions/core/records/record.js';
import type { Field, FormTemplate, Organisation } from '../functions/core/templates/templates.js';

const SENTENCES = [
  '认真贯彻落实党中央关于意识形态工作的决策部署及指示精神，切实增强意识形态工作的针对性和有效性。',
  '局党组把意识形态工作作为党的建设重要内容，纳入重要议事日程，与业务工作同部署、同落实、同检查、同考核。',
  '对重大事件、重要情况、重要社情民意中的倾向性苗头性问题，有针对性地进行引导，维护意识形态安全。',
  '结合党组（中心组）理论学习、党员大会等形式，常态化抓好理论学习，坚持用党的理论指引各项工作。',
  '规范微信公众号建设，提高舆论引导水平，充分利用短信、宣传栏、电子屏等形式打造宣传教育阵地。',
  '加强涉密文件和办公电脑的管理和使用，使用印章前按照规定的流程进行签批，做到可管可控。',
  '办公室按照局党组的工作安排做好考核督查，定期开展综合检查和专项督查，发现问题及时整改。',
  '班子成员每半年向局党组专题汇报一次意识形态工作，汇报内容可以是综合性的工作总结，也可以是专题汇报。',
  '第一时间真实准确应对相关舆论 <网络舆情> & 线下诉求，做好解释引导工作，确保网上舆论平稳健康。',
  '参会人员结合分管领域逐一发言，𠮷祥路社区宣传栏等阵地运行正常，未发现错误思想和言论传播。',
];

/** A small deterministic generator (mulberry32), so every run makes the same records. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A long run of Chinese text: fragments of the sentences above mixed with characters drawn from
 * the whole CJK range, so that values differ record by record and deflate about as poorly as real
 * prose does (notes/EXCEL.md: 100k rows of 372 characters made a 74 MB file).
 */
function makeCorpus(chars: number): string {
  const rnd = random(7);
  // Built in one typed array and decoded once: no pile of small strings left for the collector.
  const codes = new Uint16Array(chars);
  let at = 0;
  while (at < chars) {
    if (rnd() < 0.6) {
      const s = SENTENCES[Math.floor(rnd() * SENTENCES.length)]!;
      const from = Math.floor(rnd() * (s.length - 4));
      for (let k = 2 + Math.floor(rnd() * 6); k > 0 && at < chars; k--) {
        const code = s.charCodeAt(Math.min(from + k, s.length - 1));
        // Half a surrogate pair would be an invalid character; 𠮷 is added whole below.
        codes[at++] = code >= 0xd800 && code <= 0xdfff ? 0x7684 : code;
      }
    } else {
      for (let k = 1 + Math.floor(rnd() * 3); k > 0 && at < chars; k--) codes[at++] = 0x4e00 + Math.floor(rnd() * 0x51a5);
    }
  }
  return new TextDecoder('utf-16le').decode(codes);
}

let corpus: string | undefined;

/** Text of min–max characters starting somewhere in the corpus chosen by `seed`; slices cost nothing. */
function text(seed: number, min: number, max: number, lines = false): string {
  corpus ??= makeCorpus(1 << 21);
  const h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const len = min + (h % (max - min + 1));
  const at = (h >>> 3) % (corpus.length - max - 8);
  if (!lines) return corpus.slice(at, at + len);
  const cut = at + Math.floor(len / 2);
  return `${corpus.slice(at, cut)}\n${corpus.slice(cut, at + len)}${h % 16 === 0 ? ' <要点> & 𠮷' : ''}`;
}

/** A field's value for the record with this seed; text differs from record to record. */
function value(field: Field, seed: number, org: Organisation, day: string): unknown {
  const h = Math.imul(seed + 1, 0x27d4eb2d) >>> 0;
  const pick = <T>(list: readonly T[]) => list[h % list.length]!;
  switch (field.type) {
    case 'text':
      return text(seed, 8, Math.min(field.maxLength ?? 40, 40));
    case 'longtext':
      return text(seed, 60, 150, true);
    case 'date':
      return day;
    case 'integer':
      return 5 + (h % 20);
    case 'number':
      return (h % 500) / 10;
    case 'select':
      return pick(field.options!);
    case 'multiselect':
      return field.options!.filter((_, i) => (h >>> i) & 1).slice(0, 3);
    case 'person':
      return pick(org.people).id;
    case 'people':
      return org.people.filter((_, i) => ((h >>> i) & 3) === 0).map((p) => p.id);
    case 'division':
      return pick(org.divisions).id;
    case 'boolean':
      return (h & 1) === 1;
  }
}

export interface BenchData {
  forms: FormTemplate[];
  /** Records for each form, in order: `count(f)` of them, spread evenly over 2026. */
  count(formIndex: number): number;
  records(formIndex: number): Generator<RecordState>;
  org: Organisation;
}

/** N records spread round-robin over every form of the catalog, dated across 2026, each one different. */
export function benchData(catalog: Catalog, total: number): BenchData {
  const org = catalog.exampleOrganisation;
  const forms = catalog.forms;
  const count = (f: number) => Math.floor(total / forms.length) + (f < total % forms.length ? 1 : 0);
  return {
    forms,
    org,
    count,
    *records(f) {
      const form = forms[f]!;
      const n = count(f);
      for (let j = 0; j < n; j++) {
        const date = dayOf(j, n);
        const data: Record<string, unknown> = {};
        form.fields.forEach((field, k) => (data[field.key] = value(field, (f * 1_000_003 + j) * 64 + k, org, date)));
        yield {
          id: `01BENCH${String(f).padStart(2, '0')}${String(j).padStart(17, '0')}`,
          unit: org.unit.id,
          templateId: form.id,
          version: 1,
          status: 'active',
          date,
          period: date.slice(0, 7),
          owner: 'sun-li',
          division: 'office',
          data,
          createdAt: `${date}T02:00:00.000Z`,
          createdBy: 'sun-li',
          updatedAt: `${date}T02:00:00.000Z`,
          updatedBy: 'sun-li',
        };
      }
    },
  };
}

/** The j-th of n days spread over 2026, in order. */
function dayOf(j: number, n: number): string {
  const d = new Date(Date.UTC(2026, 0, 1) + Math.floor((j * 365) / Math.max(1, n)) * 86_400_000);
  return d.toISOString().slice(0, 10);
}
