import { describe, expect, it } from 'vitest';
import { msg } from '../../src/contract/messages';
import { fileChange, ManagedPath, Plan } from '../../src/config/plan';

describe('plans', () => {
  it('carry the diff of each file and validate against the schema', () => {
    const change = fileChange('/boot/loader.conf', 'a="1"\n', 'a="1"\nnvidia_load="YES"\n', [msg('x')]);
    expect(change?.diff).toContain('+nvidia_load="YES"');
    expect(Plan.safeParse({ title: msg('t'), files: [change], commands: [] }).success).toBe(true);
  });

  it('are empty for an edit that changes nothing, so applying twice does nothing the second time', () => {
    expect(fileChange('/etc/rc.conf', 'x="1"\n', 'x="1"\n', [])).toBeNull();
  });

  it('refuse any file outside the managed list', () => {
    expect(ManagedPath.safeParse('/etc/master.passwd').success).toBe(false);
    expect(ManagedPath.safeParse('/boot/../etc/rc.conf').success).toBe(false);
  });
});
