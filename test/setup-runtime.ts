/**
 * Per test file: the Temporal SDK's runtime logs at WARN, so worker state changes do not bury
 * the test output (warnings and errors still show).
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}
