/**
 * Per test file: the Temporal SDK's runtime logs at WARN, so worker state changes do not bury
 * the test output (warnings and errors still show). YAKKAN_TEST_LOG=DEBUG (or INFO) shows more,
 * including the SDK core's own messages, when a test hangs.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

const LEVEL = (['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const).find((l) => l === process.env.YAKKAN_TEST_LOG?.toUpperCase()) ?? 'WARN';

try {
  Runtime.install({
    logger: new DefaultLogger(LEVEL),
    telemetryOptions: { logging: { filter: { core: LEVEL === 'WARN' ? 'ERROR' : LEVEL, other: 'ERROR' } } },
  });
} catch (e) {
  // vitest may run several files in one process: the first install stands
  if (!String((e as Error).message).includes('already been installed')) throw e;
}
