import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, existingServices } from '../build';
import { STACK_FILE_ENV } from '../shared-stack';
import { ALL_SERVICES, startStack, TestStack } from '../stack';

declare global {
  var __AGENTRY_SHARED_STACK__: { stack: TestStack; file: string } | undefined;
}

/**
 * Integration project: build if needed, then start ONE stack for every test file. Its address goes to a
 * JSON file whose path is in AGENTRY_TEST_STACK_FILE, which the workers inherit; sharedStack() reads it.
 * Services: TEST_STACK_SERVICES (comma-separated) or every app that has a src/main.ts.
 */
export default async function globalSetup(): Promise<void> {
  ensureBuilt();
  const chosen = process.env.TEST_STACK_SERVICES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const present = existingServices();
  const services = chosen ?? ALL_SERVICES.filter((s) => present.includes(s));
  const stack = await startStack({
    services,
    label: 'shared',
    // http steps, model and tool calls in tests reach fake servers on 127.0.0.1 (the refusal itself is tested with the guard on).
    perServiceEnv: { executions: { AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true' }, connections: { AGENTRY_ALLOW_PRIVATE_NETWORKS: 'true' } },
  });
  const file = join(tmpdir(), `agentry-shared-stack-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(stack.info(), null, 2));
  process.env[STACK_FILE_ENV] = file;
  // If jest dies (Ctrl-C), the reaper (reaper.ts) kills the services and drops the database.
  globalThis.__AGENTRY_SHARED_STACK__ = { stack, file };
}
