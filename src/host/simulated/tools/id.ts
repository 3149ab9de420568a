import { ran, systemPath, usage, type Tool } from './tool';

const USAGE = [
  'usage: id [user]',
  '       id -A',
  '       id -G [-n] [user]',
  '       id -M',
  '       id -P [user]',
  '       id -c',
  '       id -g [-nr] [user]',
  '       id -p [user]',
  '       id -u [-nr] [user]',
].join('\n');

/** `id`, `id -u` and `id -un`, for the user or, under sudo/doas, for root. */
export const id: Tool = {
  program: 'id',
  path: (m) => systemPath(m, { FreeBSD: '/usr/bin/id', Linux: '/usr/bin/id' }),
  run(args, { machine, root }) {
    const uid = root ? 0 : machine.user.uid;
    const name = root ? 'root' : machine.user.name;
    const flags = args.join('').replace(/-/g, '');
    if (args.some((a) => !/^-[un]+$/.test(a))) return usage(USAGE);
    if (args.length === 0) {
      const group = root ? (machine.os.sysname === 'FreeBSD' ? 'wheel' : 'root') : name;
      return ran(0, [`uid=${uid}(${name}) gid=${uid}(${group}) groups=${uid}(${group})`]);
    }
    if (!flags.includes('u')) return usage(USAGE);
    return ran(0, [flags.includes('n') ? name : String(uid)]);
  },
};
