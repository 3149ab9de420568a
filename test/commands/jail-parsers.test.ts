import { describe, expect, it } from 'vitest';
import { debootstrapProgress, parseDeviceQuery, parseJls, parseLibcuda, parseMountP, parseNvcc, parseOsRelease } from '../../src/commands/parsers/jail';
import { ensureMount, parseFstab, renderFstab } from '../../src/config/formats/fstab';

const value = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('the jail tools’ outputs', () => {
  it('reads jls name path, mount -p, find and os-release', () => {
    expect(value(parseJls('cuda /usr/local/jails/cuda\nweb /jails/web\n')).jails).toEqual([{ name: 'cuda', path: '/usr/local/jails/cuda' }, { name: 'web', path: '/jails/web' }]);
    expect(value(parseJls('')).jails).toEqual([]);
    expect(parseJls('not a jail line with spaces\n').ok).toBe(false);
    const mounts = value(parseMountP('zroot/ROOT/default\t/\tzfs\trw,noatime 0 0\ndevfs /usr/local/jails/cuda/dev devfs rw,ruleset=61 0 0\n')).mounts;
    expect(mounts[1]).toEqual({ device: 'devfs', mountPoint: '/usr/local/jails/cuda/dev', type: 'devfs', options: ['rw', 'ruleset=61'] });
    expect(value(parseLibcuda('/x/libcuda.so.1\n/x/libcuda.so.580.105.08\n')).versions).toEqual(['580.105.08']);
    expect(value(parseOsRelease('NAME="Ubuntu"\nVERSION_CODENAME=jammy\nID=ubuntu\n')).values).toEqual({ NAME: 'Ubuntu', VERSION_CODENAME: 'jammy', ID: 'ubuntu' });
  });

  it('reads the CUDA release from nvcc and the devices from deviceQuery, found or not', () => {
    expect(value(parseNvcc('nvcc: NVIDIA (R) Cuda compiler driver\nCuda compilation tools, release 13.0, V13.0.48\n'))).toEqual({ release: '13.0', major: 13, line: 2 });
    const found = value(parseDeviceQuery(['Detected 1 CUDA Capable device(s)', '', 'Device 0: "Tesla P4"', '  CUDA Driver Version / Runtime Version          13.0 / 12.4', '  CUDA Capability Major/Minor version number:    6.1', '  Total amount of global memory:                 7606 MBytes (7975862272 bytes)', 'Result = PASS'].join('\n')));
    expect(found).toMatchObject({ result: 'PASS', runtimeVersion: '12.4', devices: [{ index: 0, name: 'Tesla P4', computeCapability: '6.1', memoryMiB: 7606, line: 3 }] });
    const none = value(parseDeviceQuery('cudaGetDeviceCount returned 100\n-> no CUDA-capable device is detected\nResult = FAIL\n'));
    expect(none).toMatchObject({ result: 'FAIL', devices: [], error: { code: 100, text: 'no CUDA-capable device is detected', line: 1 } });
    expect(parseDeviceQuery('hello\n').ok).toBe(false);
  });

  it('moves debootstrap’s bar by phase and labels it with the package', () => {
    expect(debootstrapProgress('I: Retrieving libc6 2.35-0ubuntu3')).toEqual({ done: 1, total: 5, label: 'Retrieving libc6 2.35-0ubuntu3' });
    expect(debootstrapProgress('I: Extracting bash...')).toEqual({ done: 2, total: 5, label: 'Extracting bash' });
    expect(debootstrapProgress('I: Unpacking dpkg...')?.done).toBe(3);
    expect(debootstrapProgress('I: Configuring apt...')?.done).toBe(4);
    expect(debootstrapProgress('I: Base system installed successfully.')?.done).toBe(5);
    expect(debootstrapProgress('I: Checking Release signature')).toBeNull();
  });
});

describe('the jail’s fstab', () => {
  it('renders any text back exactly, and replaces the line for a mount point in place', () => {
    const text = '# jail mounts\r\ndevfs\t/j/dev\tdevfs\trw,ruleset=4\t0\t0\r\nlinprocfs /j/proc linprocfs rw 0 0';
    const doc = value(parseFstab(text));
    expect(renderFstab(doc)).toBe(text);
    const next = ensureMount(doc, { device: 'devfs', mountPoint: '/j/dev', type: 'devfs', options: 'rw,ruleset=61', dump: 0, pass: 0 });
    expect(renderFstab(next)).toBe('# jail mounts\r\ndevfs\t/j/dev\tdevfs\trw,ruleset=61\t0\t0\r\nlinprocfs /j/proc linprocfs rw 0 0');
    expect(ensureMount(next, { device: 'devfs', mountPoint: '/j/dev', type: 'devfs', options: 'rw,ruleset=61', dump: 0, pass: 0 })).toBe(next);
    const added = ensureMount(next, { device: 'linsysfs', mountPoint: '/j/sys', type: 'linsysfs', options: 'rw', dump: 0, pass: 0 });
    expect(renderFstab(added).endsWith('linprocfs /j/proc linprocfs rw 0 0\r\nlinsysfs\t/j/sys\tlinsysfs\trw\t0\t0\r\n')).toBe(true);
    expect(() => ensureMount(doc, { device: 'a b', mountPoint: '/x', type: 't', options: 'rw', dump: 0, pass: 0 })).toThrow(/one word/);
  });
});
