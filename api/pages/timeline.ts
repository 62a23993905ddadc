/**
 * A contract's timeline for the pages (pure: no I/O, no clock — `nowMs` is passed in): the
 * deadlines ahead, each with the clause that sets it and its exact instant in JST, and the events
 * behind, both read from the workflow's own view (getContract) and the terms catalog the contract
 * runs under. Clause ids come from the catalog, so a third 約款 needs no change here.
 */
import { addDays, jstMidnightMs, toEpochMs, type IsoDate } from '../../rules/calendar.js';
import { getTerms, type TermsCatalog } from '../../rules/terms/index.js';
import type { ContractView } from '../../model/contract.js';

export interface TimelineItem {
  atMs: number;
  /** ISO instant (UTC) of the moment. */
  at: string;
  clauseId?: string;
  /** Japanese label (English after it where helpful). */
  label: string;
  detail?: string;
}

/** 24:00 JST at the end of `date` (民法 第141条: a period ends at the end of its last day). */
export function endOfJstDay(date: IsoDate): number {
  return jstMidnightMs(addDays(date, 1));
}

const item = (atMs: number, label: string, clauseId?: string, detail?: string): TimelineItem => ({
  atMs,
  at: new Date(atMs).toISOString(),
  label,
  ...(clauseId ? { clauseId } : {}),
  ...(detail ? { detail } : {}),
});

function catalogOf(view: ContractView): TermsCatalog | undefined {
  try {
    return getTerms(view.terms, view.termsVersion);
  } catch {
    return undefined;
  }
}

/** What the workflow's next timer is for, in words, with the clause behind it. */
function timerLabel(kind: string, cat: TermsCatalog | undefined): { label: string; clauseId?: string } {
  const base = kind.split(':')[0] ?? kind;
  const rest = kind.slice(base.length + 1);
  switch (base) {
    case 'month-close':
      return { label: `月次締め（${rest}分の請求） month close`, clauseId: cat?.feeSettlement.clause };
    case 'invoice-overdue':
      return { label: `支払期日経過（請求書 ${rest}） invoice overdue`, clauseId: cat?.lateInterest.clause };
    case 'suspension':
      return { label: '利用停止の開始・終了 suspension starts or ends' };
    case 'default-measure':
      return { label: `是正期間経過後の措置（${rest}） default measure` };
    case 'force-majeure':
      return { label: '不可抗力30日超（解除権の発生） force majeure right', clauseId: cat?.forceMajeureTerminationDays.clause };
    case 'outage-threshold':
      return { label: '障害24時間経過 outage threshold', clauseId: cat?.outageThresholdHours.clause };
    case 'renewal-reminder':
      return { label: '更新のご案内の送付 renewal reminder', clauseId: cat?.renewal.clause };
    case 'terms-change':
      return { label: `約款変更の効力発生（${rest}） terms change`, clauseId: cat?.notices.termsChange.clause };
    case 'plan-change':
      return { label: 'プラン変更の適用 plan change', clauseId: cat?.changeRequest.clause };
    case 'renewal':
      return { label: '契約期間の満了・自動更新 renewal', clauseId: cat?.renewal.clause };
    case 'contract-end':
      return { label: '契約の終了 contract end', clauseId: cat?.cancellation.clause };
    default:
      return { label: kind };
  }
}

/** Deadlines from now on, earliest first. */
export function deadlinesAhead(view: ContractView, nowMs: number): TimelineItem[] {
  const cat = catalogOf(view);
  const out: TimelineItem[] = [];
  const closed = view.status === 'rejected' || view.status === 'ended';
  if (view.nextDeadline) {
    const t = timerLabel(view.nextDeadline.kind, cat);
    out.push(item(toEpochMs(view.nextDeadline.at), `次のタイマー next timer: ${t.label}`, t.clauseId));
  }
  if (!closed) {
    if (view.minimumTerm) out.push(item(endOfJstDay(view.minimumTerm.end), '最低利用期間の満了 minimum term ends', cat?.minimumTerm.clause));
    if (view.nonRenewalDeadline) {
      out.push(item(endOfJstDay(view.nonRenewalDeadline), '更新しない旨の書面の到達期限 non-renewal deadline', cat?.renewal.clause));
    }
    if (view.period && !view.endDate) out.push(item(endOfJstDay(view.period.end), '契約期間の満了（通知がなければ自動更新） period ends', cat?.renewal.clause));
    if (view.endDate) out.push(item(endOfJstDay(view.endDate), `契約終了 contract ends (${view.endReason ?? ''})`, view.endReason === 'cancellation' ? cat?.cancellation.clause : undefined));
    for (const inv of view.openInvoices ?? []) {
      out.push(item(endOfJstDay(inv.dueDate), `お支払期日（請求書 ${inv.id}） payment due`, cat?.feeSettlement.clause, `翌日から遅延損害金 (${cat?.lateInterest.clause ?? ''})`));
    }
    for (const v of view.violations ?? []) {
      if (v.status === 'open') out.push(item(toEpochMs(v.measuresFrom), `是正期間の終了・措置が可能に（違反 ${v.id}） cure window closes`, v.clauseId));
    }
    for (const s of view.suspensions ?? []) {
      if (s.status === 'scheduled') out.push(item(toEpochMs(s.startsAt), `利用停止の開始（${s.id}） suspension starts`, s.clauseId, s.reason));
      if (s.endsAt && s.status !== 'lifted') out.push(item(toEpochMs(s.endsAt), `利用停止の終了（${s.id}） suspension ends`, s.clauseId));
    }
    for (const o of view.outages ?? []) {
      if (!o.restoredAt && !o.thresholdNotified && cat) {
        out.push(item(toEpochMs(o.recognisedAt) + cat.outageThresholdHours.value * 3600_000, `障害が${cat.outageThresholdHours.value}時間に達する（${o.id}） outage threshold`, cat.outageThresholdHours.clause));
      }
    }
    if (view.forceMajeure && !view.forceMajeure.rightOpen && !view.forceMajeure.ended) {
      out.push(item(toEpochMs(view.forceMajeure.rightToTerminateFrom), '不可抗力による解除権の発生 right to terminate', cat?.forceMajeureTerminationDays.clause));
    }
    for (const a of view.announcements ?? []) {
      if (!a.applied) {
        const clauseId = a.kind === 'abolition' ? cat?.abolitionNotice.clause : cat?.notices.termsChange.clause;
        out.push(item(jstMidnightMs(a.effectiveDate), a.kind === 'abolition' ? `サービス廃止日（${a.id}） abolition` : `約款変更の効力発生日（${a.id}） terms change`, clauseId));
      }
    }
    if (view.pendingPlan) out.push(item(jstMidnightMs(view.pendingPlan.from), `プラン変更の適用（${view.pendingPlan.planId}） plan change`, cat?.changeRequest.clause));
  }
  return out.filter((d) => d.atMs >= nowMs).sort((a, b) => a.atMs - b.atMs || a.label.localeCompare(b.label));
}

/** What has happened, most recent first. */
export function eventsBehind(view: ContractView, nowMs: number): TimelineItem[] {
  const cat = catalogOf(view);
  const out: TimelineItem[] = [];
  const at = (s: string) => toEpochMs(s);
  const day = (d: IsoDate) => jstMidnightMs(d);
  out.push(item(at(view.appliedAt), '申込みの受付 application received', cat?.applicationChannels.clause));
  if (view.formedAt) out.push(item(at(view.formedAt), '契約の成立 contract formed', cat?.formation.clause, view.serviceStart ? `サービス開始日 ${view.serviceStart}` : undefined));
  if (view.rejection) out.push(item(at(view.rejection.decidedAt), `不承諾 rejected: 第${view.rejection.grounds.join('・')}号`, cat?.rejectionGrounds.clause, view.rejection.reason));
  if (view.escalatedAt) out.push(item(at(view.escalatedAt), '未決の申込みを運用へエスカレーション escalated', cat?.formation.clause));
  if (view.cancellation) out.push(item(day(view.cancellation.receivedOn), `解約の申出を受付（希望日 ${view.cancellation.desiredDate}） cancellation received`, cat?.cancellation.clause));
  if (view.nonRenewal) out.push(item(day(view.nonRenewal.receivedOn), '更新しない旨の通知を受付 non-renewal received', cat?.renewal.clause));
  for (const v of view.violations ?? []) {
    out.push(item(at(v.occurredAt), `違反の発生（${v.id}、第${v.act}号） violation`, v.clauseId, v.status === 'cured' ? '是正済み cured' : v.status === 'measured' ? `措置 ${v.measure ?? ''}` : '未是正 open'));
  }
  for (const s of view.suspensions ?? []) {
    if (s.noticeSentAt) out.push(item(at(s.noticeSentAt), `利用停止の通知（${s.id}） suspension notice`, s.clauseId, s.reason));
    if (s.status !== 'scheduled') out.push(item(at(s.startsAt), `利用停止の開始（${s.id}） suspension started`, s.clauseId, s.status === 'lifted' ? '解除済み lifted' : undefined));
  }
  for (const o of view.outages ?? []) {
    out.push(item(at(o.startedAt), `障害の発生（${o.id}） outage`, cat?.outageThresholdHours.clause, o.cause));
    if (o.restoredAt) out.push(item(at(o.restoredAt), `障害の復旧（${o.id}） restored`, o.credit?.clauseId, o.credit ? `減額 ${o.credit.amount}円（${o.credit.days}日）` : undefined));
  }
  for (const d of view.disclosures ?? []) out.push(item(at(d.disclosureAt), `開示（${d.authority}） disclosure`, undefined, d.legalBasis));
  for (const m of view.malwareAlerts ?? []) if (m.noticeSentAt) out.push(item(at(m.noticeSentAt), `マルウェア感染の通知（${m.ipAddress}） malware alert`));
  for (const a of view.announcements ?? []) {
    if (a.applied) out.push(item(day(a.effectiveDate), a.kind === 'abolition' ? `サービス廃止（${a.id}）` : `約款変更の適用（${a.id}）`, a.kind === 'abolition' ? cat?.abolitionNotice.clause : cat?.notices.termsChange.clause, a.objected ? '異議あり objected' : undefined));
  }
  for (const c of view.contractorChanges ?? []) out.push(item(day(c.on), `契約者の変更（${c.kind}） contractor change`, c.clauseId, c.evidence));
  if (view.paused) out.push(item(day(view.paused.since), '休止 paused', cat?.pauseResume.clause));
  if (view.forceMajeure) out.push(item(at(view.forceMajeure.startedAt), '不可抗力の発生 force majeure', cat?.forceMajeureTerminationDays.clause));
  if (view.aftermath?.certificateOn) out.push(item(day(view.aftermath.certificateOn), '消去証明の受領 erasure certificate', cat?.erasureCertificate.clause));
  if (view.aftermath?.personalDataDeletedOn) out.push(item(day(view.aftermath.personalDataDeletedOn), '個人情報の削除 personal data deleted', cat?.retentionDaysAfterTermination.clause));
  if (view.endedAt) out.push(item(at(view.endedAt), `契約の終了 ended (${view.endReason ?? ''})`));
  return out.filter((e) => e.atMs <= nowMs).sort((a, b) => b.atMs - a.atMs);
}
