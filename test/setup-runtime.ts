/**
 * Per test file: the Temporal SDK's runtime logs at WARN, so worker state changes do not bury
 * the test output (warnings and errors still show).
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
} catch (e) {
  // vitest may run several files in one process: the first install stands
  if (!String((e as Error).message).includes('already been installed')) throw e;
}
