import { rmSync } from 'node:fs';
import { STACK_FILE_ENV } from '../shared-stack';

export default async function globalTeardown(): Promise<void> {
  const shared = globalThis.__AGENTRY_SHARED_STACK__;
  if (!shared) return;
  globalThis.__AGENTRY_SHARED_STACK__ = undefined;
  await shared.stack.stop();
  rmSync(shared.file, { force: true });
  delete process.env[STACK_FILE_ENV];
}
