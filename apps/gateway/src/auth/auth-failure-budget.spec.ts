import { AuthFailureBudget, clientKey } from './auth-failure-budget';

describe(AuthFailureBudget.name, () => {
  const minute = 1_700_000_020_000; // 40 s into a minute

  it('refuses after the limit within a minute, until the window ends', () => {
    const sut = new AuthFailureBudget({ AUTH_FAILURES_PER_MINUTE: 3 });
    for (let i = 0; i < 3; i++) {
      expect(sut.retryAfter('192.0.2.1', minute)).toBe(0);
      sut.fail('192.0.2.1', minute);
    }

    expect(sut.retryAfter('192.0.2.1', minute)).toBe(20);
    expect(sut.retryAfter('192.0.2.1', minute + 19_500)).toBe(1);
    expect(sut.retryAfter('192.0.2.2', minute)).toBe(0);
    expect(sut.retryAfter('192.0.2.1', minute + 20_000)).toBe(0); // the next minute
  });

  it('starts a new count in a new minute', () => {
    const sut = new AuthFailureBudget({ AUTH_FAILURES_PER_MINUTE: 2 });
    sut.fail('192.0.2.1', minute);
    sut.fail('192.0.2.1', minute + 30_000);
    expect(sut.retryAfter('192.0.2.1', minute + 30_000)).toBe(0);

    sut.fail('192.0.2.1', minute + 30_000);
    expect(sut.retryAfter('192.0.2.1', minute + 30_000)).toBe(50); // 10 s into the next minute
  });

  it('is off at 0 and ignores a request without an address', () => {
    const off = new AuthFailureBudget({ AUTH_FAILURES_PER_MINUTE: 0 });
    for (let i = 0; i < 10; i++) off.fail('192.0.2.1', minute);
    expect(off.retryAfter('192.0.2.1', minute)).toBe(0);
    const on = new AuthFailureBudget({ AUTH_FAILURES_PER_MINUTE: 1 });
    on.fail(undefined, minute);
    expect(on.retryAfter(undefined, minute)).toBe(0);
  });
});

describe(clientKey.name, () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1', 'fe80:0:0:0::/64'],
  ])('counts %s as %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });
});
