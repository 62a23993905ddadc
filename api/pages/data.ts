/**
 * What the pages read about a contract: its database row, the workflow's live view (getContract),
 * ledger, invoices with lines and payments, notices (without the stored PDF bytes), and the choices
 * its command forms offer. A customer reaches only its own contracts: any other id is a 404, the
 * same answer as for an id that does not exist.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client.js';
import { listPlans } from '../../rules/plans.js';
import { getTerms, type TermsCatalog, type TermsId } from '../../rules/terms/index.js';
import { citeClause } from '../../notices/render.js';
import { getContract, type ContractView } from '../../workflows/contract-messages.js';
import type { Principal } from '../auth.js';
import { HttpError } from '../errors.js';
import type { Choice, FieldChoices } from './forms.js';

/** Notice columns the pages show (the PDF bytes stay in the database until downloaded). */
export const NOTICE_COLUMNS = {
  id: true,
  contractId: true,
  idempotencyKey: true,
  kind: true,
  clauseId: true,
  channel: true,
  recipient: true,
  subject: true,
  body: true,
  status: true,
  attempts: true,
  createdAt: true,
  sentAt: true,
  messageId: true,
  smtpResponse: true,
  lastError: true,
  escalatedAt: true,
  pdfSha256: true,
  pdfRenderedAt: true,
} as const;

export async function contractRowFor(db: Db, principal: Principal | undefined, id: string) {
  const row = await db.contract.findUnique({ where: { id } });
  if (!row || !principal || (principal.role === 'customer' && principal.customerId !== row.customerId)) {
    throw new HttpError(404, 'not_found', `契約 ${id} は見つかりません（contract ${id} does not exist）`);
  }
  return row;
}

export type ContractRow = Awaited<ReturnType<typeof contractRowFor>>;

/** The workflow's view, or why it could not be read (the page then shows the database row only). */
export async function viewOf(client: Client, id: string): Promise<{ view?: ContractView; problem?: string }> {
  try {
    return { view: await client.workflow.getHandle(id).query(getContract) };
  } catch (e) {
    return { problem: (e as Error).message ?? String(e) };
  }
}

export async function contractData(client: Client, db: Db, row: ContractRow, customer: boolean) {
  const where = { contractId: row.id };
  const [live, ledger, invoices, notices] = await Promise.all([
    viewOf(client, row.id),
    customer ? Promise.resolve([]) : db.ledgerEntry.findMany({ where, orderBy: { id: 'asc' } }),
    db.invoice.findMany({ where, orderBy: [{ issuedOn: 'asc' }, { id: 'asc' }], include: { lines: { orderBy: { id: 'asc' } }, payments: { orderBy: { id: 'asc' } } } }),
    db.notice.findMany({ where: { ...where, ...(customer ? { status: 'sent' } : {}) }, orderBy: { id: 'asc' }, select: NOTICE_COLUMNS }),
  ]);
  return { row, view: live.view, viewProblem: live.problem, ledger, invoices, notices };
}

export type ContractData = Awaited<ReturnType<typeof contractData>>;

export function catalogFor(terms: string, version?: string): TermsCatalog | undefined {
  try {
    return getTerms(terms as TermsId, version);
  } catch {
    return undefined;
  }
}

/** Choices the forms of this contract offer, by field name (see forms.ts). */
export function choicesFor(d: ContractData): FieldChoices {
  const cat = catalogFor(d.row.terms, d.view?.termsVersion ?? d.row.termsVersion);
  const v = d.view;
  const out: Record<string, Choice[]> = {};
  if (cat) {
    out.grounds = cat.rejectionGrounds.value.map((g) => ({ value: String(g.code), label: `(${g.code}) ${g.ja}` }));
    out.measure = cat.breachMeasures.value.map((m) => ({ value: String(m.code), label: `(${m.code}) ${m.ja} — ${m.en}` }));
    out.defaultMeasure = out.measure;
  }
  out.newPlanId = listPlans(d.row.terms as TermsId).map((p) => ({ value: p.id, label: `${p.name}（${p.id}）` }));
  const plan = listPlans(d.row.terms as TermsId).find((p) => p.id === d.row.planId);
  if (plan && plan.meteredOptions.length > 0) out.optionId = plan.meteredOptions.map((o) => ({ value: o.id, label: `${o.name}（${o.unitPrice}円/${o.unit}）` }));
  const open = v?.openInvoices?.map((i) => i.id) ?? [];
  const invoiceIds = [...new Set([...open, ...d.invoices.map((i) => i.id)])];
  if (invoiceIds.length > 0) out.invoiceId = invoiceIds.map((id) => ({ value: id, label: open.includes(id) ? `${id}（未払い open）` : id }));
  if (v?.violations?.length) out.vid = v.violations.map((x) => ({ value: x.id, label: `${x.id} ${citeClause(x.clauseId)} ${x.status}` }));
  if (v?.suspensions?.length) out.sid = v.suspensions.map((x) => ({ value: x.id, label: `${x.id} ${citeClause(x.clauseId)} ${x.status}` }));
  if (v?.outages?.length) out.oid = v.outages.map((x) => ({ value: x.id, label: `${x.id} ${x.cause}${x.restoredAt ? ' 復旧済み' : ''}` }));
  if (v?.announcements?.length) out.announcementId = v.announcements.map((a) => ({ value: a.id, label: `${a.id}（${a.kind}, ${a.effectiveDate}）` }));
  return out;
}
