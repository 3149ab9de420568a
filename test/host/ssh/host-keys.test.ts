import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, knownHostsName, parseKeyscan, parseSshG, preferredKey } from '../../../src/host/ssh/host-keys';

describe('host key fingerprints', () => {
  it('match ssh-keygen -l for keys of each type', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'egpu-keys-'));
    for (const type of ['ed25519', 'ecdsa', 'rsa']) {
      const file = join(dir, type);
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
      const [keyType = '', blob = ''] = (await readFile(`${file}.pub`, 'utf8')).split(' ');
      const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1];
      expect(fingerprintOf(blob)).toBe(expected);
      expect(parseKeyscan(`[127.0.0.1]:2222 ${keyType} ${blob}\n`)).toEqual([{ type: keyType, blob, fingerprint: expected }]);
    }
  });

  it('skips comments, junk and a blob whose inner type differs from the line', () => {
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.alloc(36, 7)]).toString('base64');
    const text = ['# 127.0.0.1:22 SSH-2.0-OpenSSH_9.6', `host ssh-rsa ${blob}`, 'host ssh-ed25519 not*base64', `host ssh-ed25519 ${blob}`].join('\n');
    expect(parseKeyscan(text).map((k) => k.type)).toEqual(['ssh-ed25519']);
  });

  it('prefers the key type ssh asks for first', () => {
    const key = (type: string) => ({ type, blob: type, fingerprint: type });
    expect(preferredKey([key('ssh-rsa'), key('ecdsa-sha2-nistp256'), key('ssh-ed25519')])?.type).toBe('ssh-ed25519');
    expect(preferredKey([key('ssh-rsa'), key('ecdsa-sha2-nistp256')])?.type).toBe('ecdsa-sha2-nistp256');
    expect(preferredKey([])).toBeNull();
  });

  it('names the known_hosts entry as ssh looks it up, after the user\'s config', () => {
    const target = { user: 'a', host: 'x220', port: 22 };
    expect(knownHostsName('x220', 22)).toBe('x220');
    expect(knownHostsName('x220', 2222)).toBe('[x220]:2222');
    expect(parseSshG('user a\nhostname 192.168.1.5\nport 2222\n', target)).toEqual({ hostname: '192.168.1.5', port: 2222, knownHostsName: '[192.168.1.5]:2222' });
    expect(parseSshG('hostname 10.0.0.2\nport 22\nhostkeyalias x220-alias\n', target).knownHostsName).toBe('x220-alias');
    expect(parseSshG('', target)).toEqual({ hostname: 'x220', port: 22, knownHostsName: 'x220' });
  });
});
