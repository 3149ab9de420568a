import { describe, expect, it } from 'vitest';
import { netconfigArgument, parseGuestNetworkConfig } from '../../src/bhyve/guest-network';

/** What vm-bhyve's core::create_cloud_init writes for `-n "ip=192.168.1.60/24;gateway=192.168.1.1;nameservers=192.168.1.1,9.9.9.9"`. */
const written = `version: 2
ethernets:
  id0:
    set-name: eth0
    match:
      macaddress: "58:9c:fc:0a:1b:2c"
    addresses:
      - 192.168.1.60/24
    gateway4: 192.168.1.1
    nameservers:
      search: []
      addresses: [192.168.1.1,9.9.9.9]
`;

describe('the guest network settings', () => {
  it('reads back what vm-bhyve wrote for cloud-init', () => {
    expect(parseGuestNetworkConfig(written)).toEqual({ address: '192.168.1.60', prefix: 24, gateway: '192.168.1.1', nameservers: ['192.168.1.1', '9.9.9.9'] });
  });

  it('gives vm create the value it splits', () => {
    expect(netconfigArgument({ address: '10.0.0.2', prefix: 24, gateway: '10.0.0.1', nameservers: ['1.1.1.1', '8.8.8.8'] })).toBe('ip=10.0.0.2/24;gateway=10.0.0.1;nameservers=1.1.1.1,8.8.8.8');
    expect(() => netconfigArgument({ address: '10.0.0.2;reboot', prefix: 24, gateway: '10.0.0.1', nameservers: ['1.1.1.1'] })).toThrow();
  });

  it('finds no static address in a DHCP guest or a damaged file', () => {
    expect(parseGuestNetworkConfig('version: 2\nethernets:\n  id0:\n    dhcp4: true\n')).toBeNull();
    expect(parseGuestNetworkConfig(written.replace('192.168.1.60/24', '192.168.1.600/24'))).toBeNull();
    expect(parseGuestNetworkConfig(written.replace(/\n.*gateway4.*\n/, '\n'))).toBeNull();
  });
});
