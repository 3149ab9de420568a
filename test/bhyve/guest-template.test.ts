import { describe, expect, it } from 'vitest';
import { guestMemory, renderGuestTemplate, GUEST_MAX_GIB } from '../../src/bhyve/guest-template';
import { GUEST_KEY_PATH, GuestPublicKey, guestKeyFile } from '../../src/bhyve/guest-key';
import { TEMPLATE_PATH } from '../../src/bhyve/layout';
import { getValue, listKeys, parseShellVars } from '../../src/config/formats/shell-vars';
import { ManagedPath } from '../../src/contract/plan';
import { bhyveCommands } from '../../src/commands/bhyve-commands';
import { loadScenario } from '../../src/host/simulated/scenarios';

const GIB = 1024 ** 3;

describe('the guest template', () => {
  const text = renderGuestTemplate({ passthru: '5/0/0', memoryGib: 5, cpus: 2 });
  const doc = parseShellVars(text, { dialect: 'rc' });

  it('is what vm-bhyve reads: the card on passthru0, wired memory, UEFI, a bridged virtio card and disk', () => {
    if (!doc.ok) throw new Error(doc.error.message);
    expect(Object.fromEntries(listKeys(doc.value).map((k) => [k, getValue(doc.value, k)]))).toEqual({
      loader: 'uefi',
      cpu: '2',
      memory: '5G',
      wired_memory: 'yes',
      passthru0: '5/0/0',
      network0_type: 'virtio-net',
      network0_switch: 'public',
      disk0_type: 'virtio-blk',
      disk0_name: 'disk0.img',
      disk0_size: '40G',
    });
    // Nothing sh would expand or run when vm-bhyve reads it.
    expect(text).not.toMatch(/[$`;|&]/);
    expect(text.split('\n').filter((l) => l.startsWith('#'))).toHaveLength(2);
  });

  it('refuses a device that is not a bus/slot/function, and memory out of range', () => {
    for (const passthru of ['pci0:5:0:0', '5/0', '5/0/0 ', '5/0/0"; reboot; "', '5/0/10']) {
      expect(() => renderGuestTemplate({ passthru, memoryGib: 5, cpus: 2 }), passthru).toThrow();
    }
    expect(() => renderGuestTemplate({ passthru: '5/0/0', memoryGib: 3, cpus: 2 })).toThrow();
    expect(() => renderGuestTemplate({ passthru: '5/0/0', memoryGib: 9, cpus: 2 })).toThrow();
  });

  it('lives where the plan machinery may write it', () => {
    expect(ManagedPath.options).toContain(TEMPLATE_PATH);
    expect(ManagedPath.options).toContain(GUEST_KEY_PATH);
  });
});

describe('the guest memory', () => {
  it('leaves the host 2 GB and gives the guest at most 8 GB, in whole GB', () => {
    const x220 = Number(loadScenario('x220-fresh').sysctls['hw.physmem']);
    expect(guestMemory(x220)).toEqual({ ok: true, gib: 5, installedGib: 7.8 });
    expect(guestMemory(16 * GIB - 300 * 1024 ** 2)).toMatchObject({ ok: true, gib: GUEST_MAX_GIB });
    expect(guestMemory(6 * GIB)).toMatchObject({ ok: true, gib: 4 });
  });

  it('says how much is installed and how much is needed when it is too little', () => {
    expect(guestMemory(4 * GIB - 200 * 1024 ** 2)).toEqual({
      ok: false,
      installedGib: 3.8,
      reason: { key: 'bhyve.memory.too-little', params: { installed: 3.8, needed: 6, max: 16 } },
    });
  });
});

describe('the guest key file', () => {
  const key = `ssh-ed25519 ${'A'.repeat(68)} egpu-wizard-guest`;
  it('holds one public key line', () => {
    expect(guestKeyFile(`${key}\n`)).toBe(`${key}\n`);
  });
  it('refuses anything else: a private key, two keys, options before the key', () => {
    for (const bad of ['-----BEGIN OPENSSH PRIVATE KEY-----', `${key}\n${key}`, `command="id" ${key}`, 'ssh-ed25519 short']) {
      expect(GuestPublicKey.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('the vm-bhyve commands', () => {
  it('take no free text but an interface name and IPv4 addresses', () => {
    const network = { address: '192.168.1.200', prefix: 24, gateway: '192.168.1.1', nameservers: ['192.168.1.1'] };
    expect(bhyveCommands.vmCreate.argv({ network })).toEqual([
      'vm', 'create', '-t', 'egpu-cuda', '-i', 'ubuntu-24.04-server-cloudimg-amd64.img', '-s', '40G', '-C', '-k', GUEST_KEY_PATH,
      '-n', 'ip=192.168.1.200/24;gateway=192.168.1.1;nameservers=192.168.1.1', 'cuda',
    ]);
    for (const bad of [{ ...network, gateway: '192.168.1.1;hostname=x' }, { ...network, nameservers: ['1.1.1.1,8.8.8.8'] }, { ...network, prefix: 31 }]) {
      expect(bhyveCommands.vmCreate.args.safeParse({ network: bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(bhyveCommands.vmSwitchAdd.argv(bhyveCommands.vmSwitchAdd.args.parse({ iface: 'em0' }))).toEqual(['vm', 'switch', 'add', 'public', 'em0']);
    for (const iface of ['em0; reboot', '-f', 'em', 'EM0', 'em0 re0']) expect(bhyveCommands.vmSwitchAdd.args.safeParse({ iface }).success, iface).toBe(false);
    expect(bhyveCommands.vmDestroy.argv({})).toEqual(['vm', 'destroy', '-f', 'cuda']);
  });
});
