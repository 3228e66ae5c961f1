import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// ulid's default PRNG asks the OS for one byte per character; drawing from a refilled buffer is as random and much cheaper.
const entropy = Buffer.alloc(4096);
let used = entropy.length;
function take(n: number): Buffer {
  if (used + n > entropy.length) {
    randomFillSync(entropy);
    used = 0;
  }
  used += n;
  return entropy.subarray(used - n, used);
}

function prng(): number {
  return take(1)[0] / 256;
}

/**
 * `bytes` random bytes (at most 64) as base64url, from the same refilled buffer: a claim token, say. A synchronous
 * `randomBytes(12)` per run cost 2–3 % of the executions service's CPU under load (profiled), most of it the
 * call's own overhead, not the randomness.
 */
export function randomToken(bytes = 12): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 64) throw new RangeError(`randomToken: 1 to 64 bytes, not ${bytes}`);
  return take(bytes).toString('base64url');
}

const ulid = monotonicFactory(prng);

export const ID_PREFIXES = [
  'agt',
  'exe',
  'sch',
  'con',
  'whe',
  'msg',
  'del',
  'key',
  'wks',
  'apr',
  'evt',
  'req',
  'ver',
  'stp',
  'hook',
  'log',
  'run',
  /** a schedule's fire (one due time) */
  'sfr',
  /** an audited tool call */
  'tcl',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

/** A prefixed, time-sortable id: `agt_01JD5Z4Q9X7N3B2V1C0M8K6H4G` (ULID, monotonic within a process). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}

const ULID_BODY = '[0-9A-HJKMNP-TV-Z]{26}';
const patterns = new Map<string, RegExp>();

export function isId(prefix: IdPrefix, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  let re = patterns.get(prefix);
  if (!re) {
    re = new RegExp(`^${prefix}_${ULID_BODY}$`);
    patterns.set(prefix, re);
  }
  return re.test(value);
}
