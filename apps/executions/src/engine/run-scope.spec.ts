import { truthy } from './run-scope';

describe(truthy.name, () => {
  it.each([
    [true, true],
    [false, false],
    [null, false],
    [undefined, false],
    ['', false],
    ['x', true],
    [0, false],
    [2, true],
    [[], false],
    [[0, false], false],
    [[0, 1], true],
    [{}, false],
    [{ a: 1 }, true],
  ])('casts %p to %p like $boolean', (value, expected) => {
    expect(truthy(value)).toBe(expected);
  });
});
