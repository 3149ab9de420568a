import { messageBuffer } from '../machine';
import { ran, systemPath, usage, type Tool } from './tool';

/**
 * `dmesg`: the kernel message buffer. FreeBSD lets every user read it (security.bsd.unprivileged_read_msgbuf
 * defaults to 1); current Linux distributions restrict it to root.
 */
export const dmesg: Tool = {
  program: 'dmesg',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/dmesg', Linux: '/usr/bin/dmesg' }),
  run(args, { machine, root }) {
    if (machine.os.sysname !== 'FreeBSD') {
      if (args.length !== 0) return usage('Usage:\n dmesg [options]');
      return root ? ran(0, messageBuffer(machine)) : ran(1, [], ['dmesg: read kernel buffer failed: Operation not permitted']);
    }
    return args.length === 0 ? ran(0, messageBuffer(machine)) : usage('usage: dmesg [-ac] [-M core [-N system]]');
  },
};
