'use strict';
const { randomBytes } = require('node:crypto');
const { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` uniformly random base62 characters (bytes ≥ 248 are rejected to avoid modulo bias). */
function randomBase62(length) {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** The key kept in `file` (mode 600), created by `generate()` on first use. */
function keptSecret(file, generate) {
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (value) return { value, created: false };
  }
  mkdirSync(dirname(file), { recursive: true });
  const value = generate();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { value, created: true };
}

const newAdminKey = () => `agk_${randomBase62(32)}`;
const newMasterKey = () => randomBytes(32).toString('base64');

module.exports = { randomBase62, keptSecret, newAdminKey, newMasterKey };
