#!/usr/bin/env node
// Renders deploy/nats/auth.conf from the permissions table in libs/contracts (built first: `npm run nats-conf`).
require('reflect-metadata');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { renderNatsAuthConf } = require('@agentry/contracts');

const file = join(__dirname, '..', 'deploy', 'nats', 'auth.conf');
mkdirSync(join(file, '..'), { recursive: true });
writeFileSync(file, renderNatsAuthConf());
process.stdout.write(`wrote ${file}\n`);
