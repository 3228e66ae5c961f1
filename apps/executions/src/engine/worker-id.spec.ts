import { workerId } from './worker';

describe('workerId', () => {
  it('is one NATS token whatever the host name, so the replica can be asked to cancel a run it holds', () => {
    expect(workerId('exe-7d9f', 12, 'a1b2c3')).toBe('exe-7d9f-12-a1b2c3');
    for (const host of ['ip-10-0-0-1.ec2.internal', 'a*b', 'a>b', 'my host']) {
      const id = workerId(host, 12, 'a1b2c3');
      expect(`executions.runner.cancel.${id}`.split('.')).toHaveLength(4);
      expect(id).not.toMatch(/[*>\s]/);
    }
  });
});
