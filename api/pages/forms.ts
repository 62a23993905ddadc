/**
 * Forms generated from the command table (api/commands.ts): every command's body schema is turned
 * into JSON Schema (zod's own `z.toJSONSchema`), and each property into a field — date, date-time
 * (JST), number, checkbox, select for enums, checkboxes for integer lists — labelled in Japanese with
 * the English name beside it. A submitted form is turned back into the JSON body the API takes
 * (numbers, booleans, lists, JST instants) and then parsed by the same schema, so the page accepts
 * exactly what the API accepts. Choices that depend on the contract (its open invoices, rejection
 * grounds, plans, violations …) come from `FieldChoices`, keyed by field name.
 */
import { z } from 'zod';
import { DATE_PATTERN, INSTANT_PATTERN, MONTH_PATTERN } from '../../rules/limits.js';
import type { ContractCommand } from '../commands.js';
import { html, type Html } from './html.js';

/** The part of a command's path after /contracts/:id/, parameters dropped: 'violations/:vid/cure' → 'violations-cure'. */
export function commandSlug(c: Pick<ContractCommand, 'path'>): string {
  return c.path
    .replace(/^\/contracts\/:id\/?/, '')
    .replace(/\/:[A-Za-z]+/g, '')
    .replace(/\//g, '-');
}

/** Japanese names of the commands (English beside them); a command missing here shows its path. */
export const COMMAND_TITLES: Readonly<Record<string, string>> = {
  accept: '申込みの承諾 Accept the application',
  reject: '申込みの不承諾（書面通知） Reject the application',
  cancel: '解約の申出 Cancellation',
  'non-renewal': '更新しない旨の通知（書面） Non-renewal notice',
  payments: '入金の記録 Record a payment',
  usage: '従量利用の報告 Metered usage',
  surcharges: '割増金の請求 Surcharge (2 × evaded)',
  dispatches: '派遣費用の請求 Dispatch fee',
  violations: '違反の記録 Report a violation',
  'violations-cure': '違反の是正を記録 Record a cure',
  'violations-measures': '違反への措置 Measure after the window',
  suspensions: '利用停止・中止の予定 Schedule a suspension',
  'suspensions-lift': '停止の解除 Lift a suspension',
  outages: '障害の記録 Report an outage',
  'outages-restore': '障害の復旧 Restoration',
  disclosures: '官公庁等への開示 Disclosure to an authority',
  'malware-alerts': 'マルウェア感染の通知 Malware alert',
  termination: '当社からの解除 Termination by the provider',
  demands: '催告（期間を定めた履行・是正の要求） Demand with a period',
  'demands-cure': '催告への履行・是正を記録 Demand met',
  'announcements-resend': 'お知らせの再送（本契約への通知） Resend an announcement',
  'carrier-disclosures': '他の電気通信事業者への通知の記録 Disclosure to a carrier',
  'payment-method-invalid': '支払方法の無効 Payment method invalid',
  priority: '処理順の変更 Queue priority',
  pause: '休止 Pause',
  resume: '再開 Resume',
  'plan-change': 'プラン変更 Plan change',
  'contractor-change': '契約者の変更・承継 Contractor change',
  'fault-contact': '故障連絡先 Fault contact',
  'erasure-certificate': '消去証明の受領 Erasure certificate',
  'force-majeure': '不可抗力の発生 Force majeure',
  'force-majeure-end': '不可抗力の終了 Force majeure ended',
  objections: '約款変更への異議（書面） Objection to a terms change',
  'invoices-corrections': '請求書の修正・返還（新たな適格請求書） Invoice correction',
  'plan-change-refusal': 'プラン変更の不承諾（書面通知） Refuse a plan change',
  'carrier-course-end': 'ドコモ料金設定コースの終了 docomo course ended',
  'parts-cancel': '一部解約 Cancel a part',
  'parts-erasure-certificate': '一部解約分の消去証明 Erasure certificate of a part',
};

/** Field labels: Japanese first, the API's field name beside it. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  serviceStartDate: 'サービス開始日',
  billingStartDate: '課金開始日',
  grounds: '不承諾の事由（各号）',
  reason: '理由',
  desiredDate: '解約希望日',
  note: '書面の内容（控え）',
  invoiceId: '請求書',
  amount: '金額（円）',
  method: '支払方法',
  paidOn: '入金日',
  reference: '参照番号',
  idempotencyKey: '重複防止キー',
  optionId: 'オプション',
  month: '利用月',
  quantity: '数量',
  evadedAmount: '免れた金額（円）',
  description: '内容',
  cost: '費用（円、税抜）',
  violationId: '違反番号',
  clauseId: '条項',
  act: '禁止行為（号）',
  userRef: '利用者',
  occurredAt: '発生日時（JST）',
  designatedDays: '指定期間（日）',
  defaultMeasure: '期間経過後の措置',
  measure: '措置',
  startsAt: '開始日時（JST）',
  endsAt: '終了日時（JST）',
  emergency: '緊急やむを得ない場合（事前通知なし）',
  outageId: '障害番号',
  startedAt: '発生日時（JST）',
  recognisedAt: '認知日時（JST）',
  cause: '原因',
  grossNegligence: '故意・重大な過失',
  restoredAt: '復旧日時（JST）',
  disclosureId: '開示番号',
  authority: '請求した機関',
  legalBasis: '法令上の根拠',
  scope: '開示の範囲',
  disclosureAt: '開示日時（JST）',
  whyNotPrior: '事前に通知できない理由',
  alertId: '通知番号',
  ipAddress: 'IPアドレス',
  observedAt: '観測日時（JST）',
  source: '報告元',
  detail: '詳細',
  item: '号',
  priority: '優先度（大きいほど先）',
  newPlanId: '新しいプラン',
  kind: '種別',
  name: '新しい名称',
  email: 'メールアドレス',
  customerId: '承継者のお客さま番号',
  evidence: '証明書類',
  equipmentReturned: '機器の返却を確認',
  endedAt: '終了日時（JST）',
  announcementId: 'お知らせ番号',
  demandId: '催告番号',
  what: '履行・是正を求める内容',
  periodDays: '期間（日）',
  paymentDefault: '支払不能・支払拒絶',
  applicationGround: '判明した申込時の事由（号）',
  emergencyReason: '事前に通知できない事由',
  otherContract: '他の契約の未払債務',
  address: '新しい住所',
  nameChangeGround: '名称変更の事由',
  paymentMethod: '新しい支払方法',
  jointlySigned: '連署の書面による請求',
  decision: '承認・不承認',
  denyReason: '不承認の理由',
  carrier: '請求した電気通信事業者',
  requestedAt: '請求日時（JST）',
  items: '通知した情報',
  disclosedAt: '通知日時（JST）',
  purpose: '目的',
  did: '催告番号',
  aid: 'お知らせ番号',
  vid: '違反番号',
  sid: '停止番号',
  oid: '障害番号',
  iid: '請求書',
  pid: '一部（拠点・オプション）',
  lines: '修正明細',
  courseEndsOn: 'コース終了日',
  addOns: '付加サービス（一部解約の単位）',
};

/** Japanese names of enum values that are not clause ids. */
export const ENUM_LABELS: Readonly<Record<string, string>> = {
  'bank-transfer': '銀行振込 bank transfer',
  'bank-debit': '口座振替 bank debit',
  'credit-card': 'クレジットカード credit card',
  other: 'その他 other',
  'provider-fault': '当社の責による provider fault',
  'force-majeure': '天災地変等 force majeure',
  'restriction-or-suspension': '利用制限・停止 restriction or suspension',
  'third-party-hacking': '第三者の不正アクセス third-party hacking',
  'carrier-failure': '他社設備の故障 carrier failure',
  'carrier-repair-data-loss': '他社の修理によるデータ消失 carrier repair data loss',
  'other-not-attributable': 'その他当社の責によらない other, not attributable',
  'name-change': '名称・住所の変更 name/address change',
  succession: '地位の承継 succession',
};

export interface Choice {
  value: string;
  label: string;
}

/** Choices for fields whose values depend on the contract, by field (or path parameter) name. */
export type FieldChoices = Readonly<Record<string, readonly Choice[]>>;

interface JsonProp {
  type?: string;
  format?: string;
  enum?: string[];
  items?: JsonProp;
  anyOf?: JsonProp[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
}

export interface FieldSpec {
  name: string;
  /** Where it goes: a body property, or a path parameter (vid → violationId). */
  in: 'body' | 'path';
  required: boolean;
  control: 'text' | 'textarea' | 'date' | 'datetime' | 'number' | 'checkbox' | 'select' | 'checkboxes' | 'email';
  numeric: boolean;
  list: boolean;
  options?: readonly Choice[];
  hint?: string;
  min?: number;
  max?: number;
}

const schemaCache = new WeakMap<object, { properties: Record<string, JsonProp>; required: string[] }>();

function jsonSchemaOf(c: ContractCommand): { properties: Record<string, JsonProp>; required: string[] } {
  let s = schemaCache.get(c.body);
  if (!s) {
    const js = z.toJSONSchema(c.body, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonProp>; required?: string[] };
    s = { properties: js.properties ?? {}, required: js.required ?? [] };
    schemaCache.set(c.body, s);
  }
  return s;
}

/** The fields of a command: its path parameters first, then its body's properties. */
export function fieldsOf(c: ContractCommand, choices: FieldChoices = {}): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const param of Object.keys(c.params)) {
    const options = choices[param];
    out.push({ name: param, in: 'path', required: true, control: options ? 'select' : 'text', numeric: false, list: false, options });
  }
  const { properties, required } = jsonSchemaOf(c);
  for (const [name, p] of Object.entries(properties)) {
    const req = required.includes(name);
    const options = choices[name];
    const base = { name, in: 'body' as const, required: req, numeric: false, list: false };
    const type = p.type ?? p.anyOf?.[0]?.type;
    if (type === 'array') {
      const numeric = p.items?.type === 'integer' || p.items?.type === 'number';
      out.push({ ...base, control: options ? 'checkboxes' : 'text', numeric, list: true, options, hint: options ? undefined : 'カンマ区切り comma-separated' });
    } else if (type === 'boolean') {
      out.push({ ...base, control: 'checkbox' });
    } else if (type === 'integer' || type === 'number') {
      const bounded = (v: number | undefined) => (v !== undefined && Math.abs(v) < 1e9 ? v : undefined);
      out.push({ ...base, numeric: true, control: options ? 'select' : 'number', options, min: bounded(p.minimum), max: bounded(p.maximum) });
    } else if (p.enum) {
      out.push({ ...base, control: 'select', options: options ?? p.enum.map((v) => ({ value: v, label: ENUM_LABELS[v] ?? v })) });
    } else if (options) {
      out.push({ ...base, control: 'select', options });
    } else if (p.format === 'date' || p.pattern === DATE_PATTERN) {
      out.push({ ...base, control: 'date' });
    } else if (p.format === 'date-time' || p.pattern === INSTANT_PATTERN) {
      out.push({ ...base, control: 'datetime', hint: '日本時間 JST' });
    } else if (p.format === 'email') {
      out.push({ ...base, control: 'email' });
    } else {
      out.push({ ...base, control: (p.maxLength ?? 0) > 500 ? 'textarea' : 'text', hint: p.pattern !== undefined && /^\^\\d(\+|\{1,\d+\})\$$/.test(p.pattern) ? '円、数字のみ digits' : p.pattern === MONTH_PATTERN ? 'YYYY-MM' : undefined });
    }
  }
  return out;
}

type FormValue = string | string[] | undefined;

/** '2027-04-01T10:00' from <input type=datetime-local> is a JST wall-clock time: '2027-04-01T10:00:00+09:00'. */
export function jstInstantFromLocal(v: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00+09:00` : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v) ? `${v}+09:00` : v;
}

/**
 * The JSON body (and path parameters) a submitted form stands for. Values the browser cannot type
 * (numbers, booleans, lists) are converted; a value that does not convert is passed on as typed so
 * the command's schema names the field and what was wrong. An empty optional field is left out.
 */
export function bodyFromForm(fields: readonly FieldSpec[], form: Record<string, FormValue>): { body: Record<string, unknown>; params: Record<string, string> } {
  const body: Record<string, unknown> = {};
  const params: Record<string, string> = {};
  for (const f of fields) {
    const raw = form[f.name];
    if (f.in === 'path') {
      params[f.name] = typeof raw === 'string' ? raw : '';
      continue;
    }
    if (f.control === 'checkbox') {
      if (raw !== undefined) body[f.name] = true;
      else if (f.required) body[f.name] = false;
      continue;
    }
    if (f.list) {
      const items = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[,、\s]+/) : []).map((s) => s.trim()).filter((s) => s !== '');
      if (items.length === 0 && !f.required) continue;
      body[f.name] = f.numeric ? items.map((s) => (/^-?\d+$/.test(s) ? Number(s) : s)) : items;
      continue;
    }
    const v = Array.isArray(raw) ? raw[0] : raw;
    if (v === undefined || v === '') {
      if (f.required) body[f.name] = f.numeric ? undefined : '';
      continue;
    }
    if (f.numeric) body[f.name] = /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) : v;
    else if (f.control === 'datetime') body[f.name] = jstInstantFromLocal(v.trim());
    else body[f.name] = v;
  }
  return { body, params };
}

export interface FieldError {
  message: string;
  deadline?: string;
}

function valueOf(form: Record<string, FormValue> | undefined, name: string): FormValue {
  return form?.[name];
}

/** One field of a generated form. */
function fieldHtml(idPrefix: string, f: FieldSpec, form: Record<string, FormValue> | undefined, error: FieldError | undefined, renderDeadline: (d: string) => Html): Html {
  const id = `${idPrefix}-${f.name}`;
  const v = valueOf(form, f.name);
  const text = Array.isArray(v) ? v.join(',') : (v ?? '');
  const label = html`<span class="name">${FIELD_LABELS[f.name] ?? f.name} <span class="en">${f.name}</span>${f.required ? html`<abbr title="必須 required">*</abbr>` : ''}</span>`;
  const describedBy = error ? `${id}-error` : undefined;
  const common = html`name="${f.name}" id="${id}" ${f.required && f.control !== 'checkbox' && f.control !== 'checkboxes' ? 'required' : ''} ${describedBy ? html`aria-invalid="true" aria-describedby="${describedBy}"` : ''}`;
  let control: Html;
  switch (f.control) {
    case 'textarea':
      control = html`<textarea ${common} rows="3" cols="60">${text}</textarea>`;
      break;
    case 'date':
      control = html`<input type="date" ${common} value="${text}">`;
      break;
    case 'datetime':
      control = html`<input type="datetime-local" ${common} value="${text.replace(/(:\d{2})(:\d{2})?([+-]\d{2}:\d{2}|Z)?$/, '$1')}">`;
      break;
    case 'number':
      control = html`<input type="number" ${common} value="${text}" ${f.min !== undefined ? html`min="${f.min}"` : ''} ${f.max !== undefined ? html`max="${f.max}"` : ''}>`;
      break;
    case 'checkbox':
      control = html`<input type="checkbox" ${common} ${v !== undefined ? 'checked' : ''}>`;
      break;
    case 'email':
      control = html`<input type="email" ${common} value="${text}" size="40">`;
      break;
    case 'select':
      control = html`<select ${common}>${f.required ? '' : html`<option value="">—</option>`}${(f.options ?? []).map(
        (o) => html`<option value="${o.value}" ${text === o.value ? 'selected' : ''}>${o.label}</option>`,
      )}</select>`;
      break;
    case 'checkboxes': {
      const chosen = new Set(Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);
      control = html`<span role="group" aria-labelledby="${id}-label">${(f.options ?? []).map(
        (o) => html`<label class="opt"><input type="checkbox" name="${f.name}" value="${o.value}" ${chosen.has(o.value) ? 'checked' : ''}> ${o.label}</label>`,
      )}</span>`;
      break;
    }
    default:
      control = html`<input type="text" ${common} value="${text}" size="40">`;
  }
  const err = error
    ? html`<span class="field-error" id="${id}-error" role="alert" data-field="${f.name}">${error.message}${error.deadline ? html` <span class="deadline">期限 deadline: ${renderDeadline(error.deadline)}</span>` : ''}</span>`
    : '';
  if (f.control === 'checkboxes') {
    return html`<div class="field" data-field="${f.name}"><span id="${id}-label">${label}</span>${control}${err}</div>`;
  }
  return html`<label class="field" data-field="${f.name}" for="${id}">${label}${control}${f.hint ? html`<span class="hint">${f.hint}</span>` : ''}${err}</label>`;
}

export interface CommandFormOptions {
  action: string;
  csrf: string;
  slug: string;
  title: string;
  fields: readonly FieldSpec[];
  /** Values to show again after a refusal. */
  form?: Record<string, FormValue>;
  /** Errors by field name; '' = the command as a whole. */
  errors?: Readonly<Record<string, FieldError>>;
  renderDeadline: (d: string) => Html;
  open?: boolean;
}

/** A command as a form, inside a <details> that is open when it was just refused. */
export function commandForm(o: CommandFormOptions): Html {
  const general = o.errors?.[''];
  const fieldsWithError = new Set(Object.keys(o.errors ?? {}));
  const unknownFieldErrors = Object.entries(o.errors ?? {}).filter(([k]) => k !== '' && !o.fields.some((f) => f.name === k));
  return html`<details class="cmd" id="cmd-${o.slug}" ${o.open || fieldsWithError.size > 0 ? 'open' : ''}>
<summary>${o.title}</summary>
<form class="cmd" method="post" action="${o.action}" data-command="${o.slug}">
<input type="hidden" name="_csrf" value="${o.csrf}">
${general ? html`<div class="alert" role="alert">${general.message}${general.deadline ? html` 期限 deadline: ${o.renderDeadline(general.deadline)}` : ''}</div>` : ''}
${unknownFieldErrors.map(([k, e]) => html`<div class="alert" role="alert">${k}: ${e.message}${e.deadline ? html` 期限 deadline: ${o.renderDeadline(e.deadline)}` : ''}</div>`)}
${o.fields.map((f) => fieldHtml(`f-${o.slug}`, f, o.form, o.errors?.[f.name], o.renderDeadline))}
<button type="submit" class="primary">実行 <span class="en">Submit</span></button>
</form></details>`;
}
