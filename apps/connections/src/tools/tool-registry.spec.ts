import { TOOL_NAME_PATTERN } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { PLATFORMS } from '../platforms/platform-registry';
import { ArgumentsValidator } from './arguments-validator';
import { BUILTIN_TOOLS, PLATFORM_TOOLS, ToolRegistry } from './tool-registry';

function invalid(fn: () => void): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected INVALID_INPUT');
}

describe(ToolRegistry.name, () => {
  const sut = new ToolRegistry();

  it('names every tool <namespace>.<name>, each once', () => {
    const names = [...BUILTIN_TOOLS, ...PLATFORM_TOOLS].map((t) => t.name);

    for (const name of names) expect(name).toMatch(TOOL_NAME_PATTERN);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['http.request', 'json.transform', 'slack.post_message', 'github.create_issue']));
  });

  it('lists on each platform exactly the tools its modules implement', () => {
    for (const platform of PLATFORMS.filter((p) => !p.dynamicTools)) {
      expect({ platform: platform.id, tools: platform.tools.map((t) => t.name).sort() }).toEqual({
        platform: platform.id,
        tools: sut
          .forPlatform(platform.id)
          .map((t) => t.name)
          .sort(),
      });
    }
  });

  it('gives every tool an object schema that rejects unknown arguments', () => {
    for (const tool of [...BUILTIN_TOOLS, ...PLATFORM_TOOLS]) {
      expect({ tool: tool.name, type: tool.inputSchema.type, additional: tool.inputSchema.additionalProperties }).toEqual({
        tool: tool.name,
        type: 'object',
        additional: false,
      });
    }
  });
});

describe(ArgumentsValidator.name, () => {
  const sut = new ArgumentsValidator();
  const schema = new ToolRegistry().find('slack.post_message')!.inputSchema;

  it('accepts valid arguments', () => {
    expect(() => sut.validate('slack.post_message', schema, { channel: '#sales', text: 'hi' })).not.toThrow();
  });

  it('names each field that is missing, unknown or of the wrong type', () => {
    const err = invalid(() => sut.validate('slack.post_message', schema, { text: 42, colour: 'red', thread_ts: 'soon' }));

    expect(err.code).toBe('INVALID_INPUT');
    expect(err.details).toEqual(
      expect.arrayContaining([
        { field: 'arguments.channel', reason: 'is required' },
        { field: 'arguments.colour', reason: 'unknown field' },
        { field: 'arguments.text', reason: 'must be string' },
        { field: 'arguments.thread_ts', reason: expect.stringContaining('must match pattern') },
      ]),
    );
  });

  it('reads the draft-07 schemas MCP servers send', () => {
    const mcp = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { email: { type: 'string', format: 'email' }, limit: { type: 'integer', minimum: 1 } },
      required: ['email'],
      additionalProperties: false,
    };

    expect(invalid(() => sut.validate('mcp.lookup', mcp, { email: 'nope', limit: 0 })).details).toEqual([
      { field: 'arguments.email', reason: 'must match format "email"' },
      { field: 'arguments.limit', reason: 'must be >= 1' },
    ]);
  });

  it("runs a server's patterns in linear time (would hang on JavaScript RegExp)", () => {
    const mcp = { type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } };

    expect(invalid(() => sut.validate('mcp.evil', mcp, { code: `${'a'.repeat(32)}!` })).details).toEqual([
      { field: 'arguments.code', reason: 'must match pattern "^(a+)+$"' },
    ]);
    expect(() => sut.validate('mcp.evil', mcp, { code: 'aaa' })).not.toThrow();
  });

  it("skips only a pattern RE2 cannot run (zod's email lookahead), and checks the rest", () => {
    const zod = {
      type: 'object',
      properties: {
        email: {
          type: 'string',
          format: 'email',
          pattern: "^(?!\\.)(?!.*\\.\\.)([A-Za-z0-9_'+\\-\\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$",
        },
        limit: { type: 'integer' },
      },
    };

    expect(() => sut.validate('mcp.zod', zod, { email: 'a@b.co', limit: 1 })).not.toThrow();
    expect(invalid(() => sut.validate('mcp.zod', zod, { email: 'nope', limit: 'x' })).details).toEqual([
      { field: 'arguments.email', reason: 'must match format "email"' },
      { field: 'arguments.limit', reason: 'must be integer' },
    ]);
  });
});
