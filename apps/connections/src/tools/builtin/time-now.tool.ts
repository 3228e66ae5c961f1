import { AppError } from '@agentry/common';
import { objectSchema, ToolDefinition } from '../tool';

/** `time.now`: models do not know what time it is. */
export const timeNowTool: ToolDefinition = {
  name: 'time.now',
  description: 'The current date and time, in UTC and in an IANA time zone (default UTC).',
  inputSchema: objectSchema({ timezone: { type: 'string', maxLength: 64, examples: ['Europe/Paris'] } }),
  async execute(args) {
    const timezone = typeof args.timezone === 'string' ? args.timezone : 'UTC';
    const now = new Date();
    let local: string;
    try {
      local = new Intl.DateTimeFormat('sv-SE', {
        timeZone: timezone,
        dateStyle: 'short',
        timeStyle: 'medium',
      }).format(now);
    } catch {
      throw AppError.invalid(`Unknown time zone "${timezone}"`, [{ field: 'arguments.timezone', reason: 'must be an IANA time zone' }]);
    }
    const weekday = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'long' }).format(now);
    return { output: { utc: now.toISOString(), unix: Math.floor(now.getTime() / 1000), timezone, local, weekday } };
  },
};
