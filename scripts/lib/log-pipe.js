'use strict';
const readline = require('node:readline');

const useColor = (stream = process.stdout) => !process.env.NO_COLOR && (Boolean(process.env.FORCE_COLOR) || Boolean(stream.isTTY));

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 };

/** `paint('red', text)`, a no-op when colour is off. */
function painter(enabled) {
  return (color, text) => (enabled && CODES[color] ? `\x1b[${CODES[color]}m${text}\x1b[0m` : String(text));
}

const LEVEL_COLORS = { fatal: 'red', error: 'red', warn: 'yellow', info: 'green', debug: 'gray', trace: 'gray' };
const PINO_NUMERIC = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const QUIET_KEYS = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'stack', 'context']);

/** One pino JSON line as `HH:MM:SS.mmm LEVEL msg {rest}`; anything that is not pino JSON comes back as it was. */
function formatPinoLine(line, paint = painter(false)) {
  if (!line.startsWith('{')) return line;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || !('level' in entry)) return line;
  const level = typeof entry.level === 'number' ? (PINO_NUMERIC[entry.level] ?? String(entry.level)) : String(entry.level);
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : new Date(entry.time ?? Date.now()).toISOString().slice(11, 23);
  const rest = Object.fromEntries(Object.entries(entry).filter(([k]) => !QUIET_KEYS.has(k)));
  const context = entry.context ? paint('gray', `(${entry.context}) `) : '';
  let out = `${paint('gray', time)} ${paint(LEVEL_COLORS[level] ?? 'bold', level.toUpperCase().padEnd(5))} ${context}${entry.msg ?? ''}`;
  if (Object.keys(rest).length > 0) out += ` ${paint('gray', JSON.stringify(rest))}`;
  if (typeof entry.stack === 'string') out += `\n${entry.stack}`;
  return out;
}

/**
 * Copies each line of `readable` to `out` behind a coloured `[label]`, pretty-printing pino JSON when
 * `pretty` is on. Keeps the last `keep` raw lines, so a crash report can show them.
 */
function pipeLines(readable, { label, color = 'cyan', out = process.stdout, pretty = false, keep = 30, width = 0 }) {
  const paint = painter(useColor(out));
  const prefix = paint(color, `[${label}]`.padEnd(width + 2));
  const last = [];
  const rl = readline.createInterface({ input: readable, crlfDelay: Infinity });
  rl.on('line', (line) => {
    last.push(line);
    if (last.length > keep) last.shift();
    const text = pretty ? formatPinoLine(line, paint) : line;
    for (const part of text.split('\n')) out.write(`${prefix} ${part}\n`);
  });
  return { lastLines: () => [...last] };
}

module.exports = { pipeLines, formatPinoLine, painter, useColor };
