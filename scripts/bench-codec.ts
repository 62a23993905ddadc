/**
 * The payload codec's cost (issue 16): AES-256-GCM encrypt + decrypt of a contract's run input
 * (with a 2 kB state, as a continued run carries), in this process, without Temporal.
 *
 *   npx tsx scripts/bench-codec.ts [--n 20000]
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec } from '../runtime/payload-codec.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '20000' } } });
const N = Number(values.n);
const codec = new EncryptionCodec([{ id: 'bench', key: randomBytes(32) }]);
const input = {
  contractId: 'ctr-0123456789abcdef0123456789abcdef',
  terms: 'NGN',
  planId: 'ngn-vpn-standard',
  customer: { id: 'C1', name: '株式会社サンプル', email: 'it@example.co.jp', kind: 'corporate', domestic: true },
  resume: { state: 'x'.repeat(2000) },
};
const payload = defaultPayloadConverter.toPayload(input)!;
let encryptedBytes = 0;
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const e = codec.encryptOne(payload);
  encryptedBytes += e.data!.length;
  codec.decryptOne(e);
}
const ms = performance.now() - t0;
console.log(
  `[bench-codec] payload ${payload.data!.length} B → ${Math.round(encryptedBytes / N)} B encrypted; ` +
    `${N} encrypt+decrypt in ${ms.toFixed(0)} ms = ${((ms * 1000) / N).toFixed(1)} µs each (load average ${loadavg()[0]!.toFixed(1)})`,
);
