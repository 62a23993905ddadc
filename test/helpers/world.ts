/**
 * Everything a workflow test needs around a Temporal environment: a fresh database, a real SMTP
 * server receiving the notices, and a worker factory on a unique task queue per test.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Db } from '../../db/client.js';
import { createSmtpMailer, type Mailer } from '../../activities/mailer.js';
import type { ContractActivities } from '../../activities/types.js';
import { startMailSink, type MailSink } from '../../worker/mail-sink.js';
import { createWorker } from '../../worker/worker.js';
import type { ActivitySettings } from '../../runtime/config.js';
import { freshDb } from './db.js';
import type { ContractInput, Customer, TermsId } from '../../workflows/contract-messages.js';

export interface World {
  env: TestWorkflowEnvironment;
  db: Db;
  sink: MailSink;
  mailer: Mailer;
  worker(taskQueue: string, wrap?: (a: ContractActivities) => ContractActivities): Promise<Worker>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Settings the activities get from the configuration (OPS_ALERT_EMAIL, CARRIER_WEBHOOK_*); none by default. */
  activities?: ActivitySettings;
  /** A migrated template database to copy (default: this test run's, test/global-setup.ts). */
  dbTemplate?: string;
}

export async function createWorld(env: TestWorkflowEnvironment, options: WorldOptions = {}): Promise<World> {
  const { db } = freshDb(options.dbTemplate);
  const sink = await startMailSink();
  const mailer = createSmtpMailer(sink.url, 'yakkan-test <notices@yakkan.test>');
  return {
    env,
    db,
    sink,
    mailer,
    worker: (taskQueue, wrap) =>
      createWorker({
        connection: env.nativeConnection,
        taskQueue,
        db,
        mailer,
        wrapActivities: wrap,
        client: env.client,
        // Activities see the test server's (skipped) clock, as workflow code does.
        now: async () => new Date(await env.currentTimeMs()),
        ...options.activities,
      }),
    async close() {
      mailer.close();
      await sink.close();
      await db.$disconnect();
      await env.teardown();
    },
  };
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export const corporateCustomer = (id = uniqueId('cust')): Customer => ({
  id,
  name: '株式会社テスト商事',
  email: `${id}@example.co.jp`,
  kind: 'corporate',
  domestic: true,
});

export const consumerCustomer = (id = uniqueId('cust')): Customer => ({
  id,
  name: '山田 太郎',
  email: `${id}@example.jp`,
  kind: 'consumer',
  domestic: true,
});

export function application(terms: TermsId, planId: string, customer: Customer, appliedAtMs: number): ContractInput {
  const contractId = uniqueId(`ctr-${terms.toLowerCase()}`);
  return {
    contractId,
    terms,
    termsVersion: terms === 'NGN' ? '2020-02-01' : '2022-07-01',
    planId,
    customer,
    channel: terms === 'NGN' ? 'form' : 'online',
    appliedAt: new Date(appliedAtMs).toISOString(),
  };
}
