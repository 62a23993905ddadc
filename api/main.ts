/**
 * API entry point for deployments: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, DATABASE_URL, API_PORT,
 * YAKKAN_API_KEYS, YAKKAN_PAYLOAD_KEYS, CODEC_CORS_ORIGINS (runtime/config.ts).
 */
import { Client, Connection } from '@temporalio/client';
import { createDb } from '../db/client.js';
import { checkedAtStart, loadConfigOrExit } from '../runtime/config.js';
import { payloadDataConverter, requiredPayloadCodec } from '../runtime/payload-codec.js';
import { parseApiKeys } from './auth.js';
import { boundServer, buildApp } from './app.js';

const config = loadConfigOrExit();
const keys = checkedAtStart(() => parseApiKeys(config.apiKeys));
// Issue 16: the client encrypts what it sends (commands' arguments) and decrypts what it reads.
const payloadCodec = checkedAtStart(() => requiredPayloadCodec(config.payloadKeys));
if (keys.size === 0) console.warn('YAKKAN_API_KEYS is empty: every request will be refused (deny by default).');
const connection = await Connection.connect({ address: config.temporalAddress });
const client = new Client({ connection, namespace: config.namespace, dataConverter: payloadDataConverter(payloadCodec) });
const db = createDb(config.databaseUrl);
const server = buildApp({ client, db, keys, codecCorsOrigins: config.codecCorsOrigins }).listen(config.apiPort, '127.0.0.1', () => {
  console.log(`yakkan API on http://127.0.0.1:${config.apiPort}`);
});
boundServer(server);
const stop = () => {
  server.close(async () => {
    await connection.close();
    await db.$disconnect();
  });
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
