import { readFileSync } from 'node:fs';
import type { StackInfo } from './stack';

/** Env var holding the path of the shared stack's JSON file (set by the integration project's globalSetup). */
export const STACK_FILE_ENV = 'AGENTRY_TEST_STACK_FILE';

let cached: StackInfo | undefined;

/**
 * The stack that the integration project's globalSetup started once for the whole run. Tests share it,
 * so each makes its own workspace (TestSession) and never stops or kills anything in it.
 */
export function sharedStack(): StackInfo {
  if (cached) return cached;
  const file = process.env[STACK_FILE_ENV];
  if (!file) {
    throw new Error(
      `sharedStack() needs the integration project's globalSetup (${STACK_FILE_ENV} is not set): run it with \`npm test\` or \`npx jest --selectProjects integration\`.`,
    );
  }
  cached = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  return cached;
}
