/** Worker entry point for deployments: TEMPORAL_ADDRESS, DATABASE_URL, SMTP_URL. */
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '../db/client.js';
import { createSmtpMailer } from '../activities/mailer.js';
import { readConfig } from './config.js';
import { createWorker } from './worker.js';

const config = readConfig();
if (!config.smtpUrl) {
  console.error('SMTP_URL is not set: notices cannot be delivered. Set it, e.g. SMTP_URL=smtp://127.0.0.1:2525');
  process.exit(2);
}
const db = createDb(config.databaseUrl);
const mailer = createSmtpMailer(config.smtpUrl, config.mailFrom);
const connection = await NativeConnection.connect({ address: config.temporalAddress });
const worker = await createWorker({ connection, namespace: config.namespace, db, mailer });
console.log(`yakkan worker polling ${config.temporalAddress} (namespace ${config.namespace})`);
await worker.run(); // Worker installs SIGINT/SIGTERM handlers and drains on shutdown
mailer.close();
await connection.close();
await db.$disconnect();
