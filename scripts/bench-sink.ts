/**
 * The local SMTP server (worker/mail-sink.ts) in a process of its own, for benchmarks: the mail
 * server of a deployment is another machine, so its CPU must not count against the sender's.
 * Prints `port <n>` once listening, then `count <messages> <connections>` every 100 ms; the
 * messages are counted and dropped (not kept). Stops on SIGTERM.
 *
 *   node --import tsx scripts/bench-sink.ts
 */
import { startMailSink } from '../worker/mail-sink.js';

const sink = await startMailSink();
let count = 0;
console.log(`port ${sink.port}`);
const tick = setInterval(() => {
  count += sink.messages.length;
  sink.messages.length = 0;
  console.log(`count ${count} ${sink.connections}`);
}, 100);
process.once('SIGTERM', () => {
  clearInterval(tick);
  void sink.close().then(() => process.exit(0));
});
