import { parseTemplate, TemplateSyntaxError } from './template-string';

describe('parseTemplate', () => {
  it('splits text and expressions', () => {
    expect(parseTemplate('Hi {{ input.name }}, you owe {{ $sum(input.items.price) }}!')).toEqual({
      exact: false,
      parts: [
        { kind: 'text', text: 'Hi ' },
        { kind: 'expr', expr: 'input.name', offset: 3 },
        { kind: 'text', text: ', you owe ' },
        { kind: 'expr', expr: '$sum(input.items.price)', offset: 29 },
        { kind: 'text', text: '!' },
      ],
    });
  });

  it('marks a string that is exactly one template (surrounding spaces allowed)', () => {
    expect(parseTemplate('{{ input }}').exact).toBe(true);
    expect(parseTemplate('  {{ input }} ').exact).toBe(true);
    expect(parseTemplate('x{{ input }}').exact).toBe(false);
    expect(parseTemplate('no templates').exact).toBe(false);
  });

  it('finds the closing braces past object constructors, strings and comments', () => {
    expect(parseTemplate('{{ {"a": {"b": 1}} }}').parts).toEqual([{ kind: 'expr', expr: '{"a": {"b": 1}}', offset: 0 }]);
    expect(parseTemplate('{{ "}}" & \'}}\' /* }} */ }}').parts[0]).toMatchObject({ expr: '"}}" & \'}}\' /* }} */' });
    expect(parseTemplate('{{ "a \\" }}" }}').parts[0]).toMatchObject({ expr: '"a \\" }}"' });
  });

  it('rejects unterminated and empty templates', () => {
    expect(() => parseTemplate('a {{ input')).toThrow(TemplateSyntaxError);
    expect(() => parseTemplate('a {{   }} b')).toThrow('empty {{ }} template');
  });
});
