/**
 * Gathers a report's input: the contract's rows from the database and its history from Temporal.
 * The only I/O of the report; `buildAuditReport` stays pure.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { fetchContractHistory } from './export.js';
import { decodeHistoryPayloads, mapJsonPayloadText } from './payloads.js';
import { personalData } from '../activities/personal-data.js';
import { buildAuditReport, type AuditReport, type ReportInput } from './report.js';

export class ContractNotFoundError extends Error {
  constructor(readonly contractId: string) {
    super(`contract ${contractId} does not exist (no database row and no workflow)`);
    this.name = 'ContractNotFoundError';
  }
}

export async function loadReportInput(client: Client, db: Db, contractId: string, now: Date = new Date()): Promise<ReportInput> {
  const where = { contractId };
  const byId = { id: 'asc' } as const;
  const [contract, ledger, invoices, payments, notices, events, carrierMessages] = await Promise.all([
    db.contract.findUnique({ where: { id: contractId } }),
    db.ledgerEntry.findMany({ where, orderBy: byId }),
    db.invoice.findMany({ where, orderBy: byId }),
    db.payment.findMany({ where, orderBy: byId }),
    db.notice.findMany({ where, orderBy: byId }),
    db.contractEvent.findMany({ where, orderBy: byId }),
    db.carrierMessage.findMany({ where, orderBy: byId }),
  ]);
  let runs: ReportInput['runs'] = [];
  let historyNote: string | undefined;
  try {
    const ch = await fetchContractHistory(client, contractId);
    // Issue 16: the payloads are encrypted at rest; the report reads them through the client's codec.
    runs = await decodeHistoryPayloads(ch.runs, client.options.loadedDataConverter.payloadCodecs);
    if (!ch.complete || !ch.chainVerified) historyNote = ch.problems.join('; ');
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
    if (!contract) throw new ContractNotFoundError(contractId);
    historyNote = 'Temporal holds no workflow for this contract (retention expired or never started)';
  }
  const input: ReportInput = { contractId, generatedAt: now.toISOString(), contract, ledger, invoices, payments, notices, events, carrierMessages, runs, historyNote };
  // Issue 16: personal values are sealed with the contract's data key in the rows and the history
  // alike; the report shows them opened, or as （削除済み） after the TNC-37.5 / NGN-43 deletion.
  const pd = personalData(db);
  const opened = await pd.openDeep(input);
  // Inside the history's payloads the values sit in JSON text: opened there as JSON string content.
  opened.runs = await mapJsonPayloadText(opened.runs, (text) => pd.openText(text, (v) => JSON.stringify(v).slice(1, -1)));
  return opened;
}

export async function contractReport(client: Client, db: Db, contractId: string, now?: Date): Promise<AuditReport> {
  return buildAuditReport(await loadReportInput(client, db, contractId, now));
}
