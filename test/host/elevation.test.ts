import { describe, expect, it } from 'vitest';
import { doasConfLine, elevate, InvalidUserNameError, type ElevationMethod } from '../../src/host/elevation';

const argv = ['kldload', 'nvidia-modeset'];

describe('elevate', () => {
  it('leaves argv alone when already root', () => {
    expect(elevate(argv, 'root')).toEqual({ argv });
    expect(elevate(argv, 'root', 'pw')).toEqual({ argv });
  });

  it('sends a sudo password on stdin', () => {
    expect(elevate(argv, 'sudo', 'hunter2')).toEqual({
      argv: ['sudo', '-S', '-p', '', '-k', '--', 'kldload', 'nvidia-modeset'],
      stdin: 'hunter2\n',
    });
  });

  it('runs sudo non-interactively without a password', () => {
    expect(elevate(argv, 'sudo')).toEqual({ argv: ['sudo', '-n', '--', 'kldload', 'nvidia-modeset'] });
  });

  it('runs doas non-interactively, ignoring any password', () => {
    expect(elevate(argv, 'doas')).toEqual({ argv: ['doas', '-n', 'kldload', 'nvidia-modeset'] });
    expect(elevate(argv, 'doas', 'hunter2')).toEqual({ argv: ['doas', '-n', 'kldload', 'nvidia-modeset'] });
  });

  it('refuses when there is no way to elevate', () => {
    expect(elevate(argv, 'none')).toEqual({ error: 'no-elevation' });
    expect(elevate(argv, 'none', 'pw')).toEqual({ error: 'no-elevation' });
  });

  it('refuses a sudo password that cannot be sent as one line', () => {
    for (const pw of ['', 'a\nrm -rf /', 'a\rb', 'a\0b']) {
      expect(elevate(argv, 'sudo', pw)).toEqual({ error: 'password-required' });
    }
  });

  it('never puts the password in argv', () => {
    const passwords = ['hunter2', 'p@ss w0rd', "'; id; '", 'pässwörd', '--', 'x'.repeat(500)];
    for (const method of ['root', 'sudo', 'doas', 'none'] satisfies ElevationMethod[]) {
      const reference = elevate(['id', '-u'], method, 'reference-password');
      for (const password of passwords) {
        const out = elevate(['id', '-u'], method, password);
        // argv does not depend on the password at all, so no password can leak into it.
        expect(out).toEqual({ ...reference, ...('stdin' in out ? { stdin: out.stdin } : {}) });
        if ('error' in out) continue;
        expect(out.argv.join(' ')).not.toContain(password === '--' ? 'reference-password' : password);
        expect(out.argv.slice(-2)).toEqual(['id', '-u']);
        if (method === 'sudo') expect(out.stdin).toBe(`${password}\n`);
        else expect(out.stdin).toBeUndefined();
      }
    }
  });

  it('does not alias the caller’s argv', () => {
    const original = ['id', '-u'];
    const out = elevate(original, 'root');
    if ('error' in out) throw new Error('unexpected refusal');
    out.argv.push('extra');
    expect(original).toEqual(['id', '-u']);
  });
});

describe('doasConfLine', () => {
  it('returns the rule for a valid user', () => {
    expect(doasConfLine('alice')).toBe('permit nopass alice as root');
    expect(doasConfLine('_build.user-1')).toBe('permit nopass _build.user-1 as root');
  });

  it('rejects names that could inject into doas.conf or the displayed text', () => {
    const bad = [
      '',
      'alice as root\npermit nopass bob',
      'alice bob',
      'alice\n',
      '-alice',
      ':wheel',
      'alice#',
      '"alice"',
      'a'.repeat(33),
      'as',
      'permit',
      'nopass',
      'älice',
      'alice$',
    ];
    for (const user of bad) {
      expect(() => doasConfLine(user), JSON.stringify(user)).toThrow(InvalidUserNameError);
    }
  });

  it('gives the error a code callers can check', () => {
    try {
      doasConfLine('bad user');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidUserNameError);
      if (error instanceof InvalidUserNameError) expect(error.code).toBe('invalid-user-name');
    }
  });
});
