/**
 * Worker entry point for deployments: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DATABASE_URL, SMTP_URL,
 * MAIL_FROM, OPS_ALERT_EMAIL, CARRIER_WEBHOOK_URL / _SECRET, INVOICE_REGISTRATION_NUMBERS,
 * MAX_CACHED_WORKFLOWS, SMTP_MAX_CONNECTIONS, YAKKAN_PAYLOAD_KEYS (runtime/config.ts).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '../db/client.js';
import { createSmtpMailer } from '../activities/mailer.js';
import { checkedAtStart, loadConfigOrExit } from '../runtime/config.js';
import { payloadDataConverter, requiredPayloadCodec } from '../runtime/payload-codec.js';
import { listTermsIds } from '../rules/terms/index.js';
import { createWorker } from './worker.js';
import { registerSearchAttributes } from './search-attributes.js';
import { useWriteAheadLog } from './sqlite.js';

const config = loadConfigOrExit();
if (!config.smtpUrl) {
  console.error('SMTP_URL is not set: notices cannot be delivered. Set it, e.g. SMTP_URL=smtp://127.0.0.1:2525');
  process.exit(2);
}
// JP-INVOICE: an invoice without the issuer's registration number is not a 適格請求書. A deployment
// names one for every 約款 it bills under (npm start, for development, runs without them).
const missing = listTermsIds().filter((t) => !config.activities.invoiceRegistrationNumbers?.[t]);
if (missing.length) {
  console.error(`INVOICE_REGISTRATION_NUMBERS must name the registration number (T + 13 digits) of ${missing.join(', ')}, e.g. INVOICE_REGISTRATION_NUMBERS=NGN=T1234567890123,TNC=T9876543210987`);
  process.exit(2);
}
// Issue 16: every payload goes to Temporal encrypted; a deployment without keys does not start.
const payloadCodec = checkedAtStart(() => requiredPayloadCodec(config.payloadKeys));
const db = createDb(config.databaseUrl);
await useWriteAheadLog(db, config.databaseUrl); // SQLite: commits append to a log instead of syncing the file
const mailer = createSmtpMailer(config.smtpUrl, config.mailFrom, { maxConnections: config.smtpMaxConnections });
const connection = await NativeConnection.connect({ address: config.temporalAddress });
// One Client for the process: the fan-out activities deliver updates to contract workflows with it.
const clientConnection = await Connection.connect({ address: config.temporalAddress });
const client = new Client({ connection: clientConnection, namespace: config.namespace, dataConverter: payloadDataConverter(payloadCodec) });
// Contract workflows upsert YakkanTerms/Status/NextDeadline/NonRenewalDeadline: make sure the
// namespace has them before polling (idempotent; needs operator rights on the namespace).
await registerSearchAttributes(clientConnection, config.namespace);
const worker = await createWorker({ connection, payloadCodec, namespace: config.namespace, db, mailer, client, tuning: config.worker, ...config.activities });
console.log(`yakkan worker polling ${config.temporalAddress} (namespace ${config.namespace})`);
await worker.run(); // Worker installs SIGINT/SIGTERM handlers and drains on shutdown
mailer.close();
await clientConnection.close();
await connection.close();
await db.$disconnect();
