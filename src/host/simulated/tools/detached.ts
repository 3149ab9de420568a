import { JOBS_ROOT, WRAPPER_NAME, WRAPPER_SCRIPT } from '../../../detached/wrapper';
import { formatBootTime } from '../../../detached/boot-time';
import { bootTimeOf } from '../machine';
import type { MachineView } from '../scenario';
import { ran, systemPath, usage, type Tool } from './tool';

/**
 * daemon(8), tail(1) and kill(1) as the detached jobs use them. The job itself is played by the host (see
 * SimulatedHost's jobs): daemon only asks for it, and kill only asks the host to signal it, because a job
 * lives on the host's clock beyond the command that started it.
 */

/** `daemon -f /bin/sh -c WRAPPER NAME DIR COMMAND…`: the one form the wizard uses; anything else is refused. */
export const daemon: Tool = {
  program: 'daemon',
  path: (m) => systemPath(m, { FreeBSD: '/usr/sbin/daemon' }),
  run(args, { root }) {
    const [close, shell, dashC, script, name, dir, ...command] = args;
    if (close !== '-f' || shell !== '/bin/sh' || dashC !== '-c' || script !== WRAPPER_SCRIPT || name !== WRAPPER_NAME || dir === undefined || command.length === 0) {
      return usage('usage: daemon [-cfHrS] [-p child_pidfile] [-P supervisor_pidfile] [-t title] [-u user] [-o output_file] command arguments ...');
    }
    if (!dir.startsWith(`${JOBS_ROOT}/`)) return ran(0, [], [], { durationMs: 20 });
    // The wrapper's mkdir under /var/db fails for a user; daemon itself has already detached and says nothing.
    if (!root) return ran(0, [], [], { durationMs: 20 });
    return { ...ran(0, [], [], { durationMs: 20 }), hostEffect: { kind: 'detach', dir, argv: command, root } };
  },
};

function fileOf(m: MachineView, path: string): string | null {
  return Object.hasOwn(m.files, path) ? (m.files[path] ?? null) : null;
}

/** `tail -c +N FILE`: the file from its N-th byte (1 is the start); `tail -n N FILE`: its last N lines. */
export const tail: Tool = {
  program: 'tail',
  path: (m) => systemPath(m, { FreeBSD: '/usr/bin/tail', Linux: '/usr/bin/tail' }),
  run(args, { machine }) {
    const [flag, from, path] = args;
    if (args.length === 3 && flag === '-n' && /^\d+$/.test(from ?? '') && path !== undefined) {
      const content = fileOf(machine, path);
      if (content === null) return ran(1, [], [`tail: ${path}: No such file or directory`]);
      const lines = content.replace(/\n$/, '').split('\n');
      return ran(0, content === '' ? [] : lines.slice(-Number(from)));
    }
    const start = /^\+(\d+)$/.exec(from ?? '')?.[1];
    if (args.length !== 3 || flag !== '-c' || start === undefined || path === undefined) return usage('usage: tail [-F | -f | -r] [-q] [-b # | -c # | -n #] [file ...]');
    const content = fileOf(machine, path);
    if (content === null) return ran(1, [], [`tail: ${path}: No such file or directory`]);
    const bytes = Buffer.from(content);
    const text = bytes.subarray(Math.max(0, Number(start) - 1)).toString();
    const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
    return { ...ran(0, lines), rawStdout: text };
  },
};

/**
 * The job whose pid file holds this process group, which has not written its status yet and was started in
 * this boot: a restart ended the others, whatever their folders say.
 */
function runningJob(m: MachineView, pgid: number): string | null {
  const boot = `${formatBootTime(bootTimeOf(m))}\n`;
  for (const [path, content] of Object.entries(m.files)) {
    if (!path.startsWith(`${JOBS_ROOT}/`) || !path.endsWith('/pid') || content.trim() !== String(pgid)) continue;
    const dir = path.slice(0, -'/pid'.length);
    const startedIn = fileOf(m, `${dir}/boot`);
    if (!Object.hasOwn(m.files, `${dir}/status`) && (startedIn === null || startedIn === boot)) return dir;
  }
  return null;
}

const psRow = (pid: number, comm: string): string => `${String(pid).padStart(5, ' ')} ${String(pid).padStart(5, ' ')} ${comm}`;

/**
 * `ps -p 1 -p PID -o pid= -o pgid= -o ucomm=`, the form the wizard asks whether a job lives: init, and the
 * job's wrapper (an sh leading its own group) while it runs. Another user's processes show only where
 * security.bsd.see_other_uids is not 0; the jobs run as root, as init does.
 */
export const ps: Tool = {
  program: 'ps',
  path: (m) => systemPath(m, { FreeBSD: '/bin/ps', Linux: '/usr/bin/ps' }),
  run(args, { machine, root }) {
    const pid = args[3];
    const form = ['-p', '1', '-p', pid, '-o', 'pid=', '-o', 'pgid=', '-o', 'ucomm='];
    if (pid === undefined || !/^\d+$/.test(pid) || args.length !== form.length || args.some((a, i) => a !== form[i])) {
      return usage('usage: ps [--libxo] [-aCcdefHhjlmrSTuvwXxZ] [-O fmt | -o fmt]\n          [-G gid[,gid...]] [-J jid[,jid...]] [-M core] [-N system]\n          [-p pid[,pid...]] [-t tty[,tty...]] [-U user[,user...]]');
    }
    const seesOthers = root || machine.sysctls['security.bsd.see_other_uids'] !== '0';
    const lines: string[] = [];
    if (seesOthers) lines.push(psRow(1, 'init'));
    if (seesOthers && runningJob(machine, Number(pid)) !== null) lines.push(psRow(Number(pid), 'sh'));
    return ran(lines.length > 0 ? 0 : 1, lines);
  },
};

/** `kill -TERM -- -PGID`: the whole process group of a running job. */
export const kill: Tool = {
  program: 'kill',
  path: (m) => systemPath(m, { FreeBSD: '/bin/kill', Linux: '/usr/bin/kill' }),
  run(args, { machine, root }) {
    const [signal, dashes, target] = args;
    const pgid = /^-(\d+)$/.exec(target ?? '')?.[1];
    if (args.length !== 3 || signal !== '-TERM' || dashes !== '--' || pgid === undefined) return usage('usage: kill [-s signal_name] pid ...');
    if (runningJob(machine, Number(pgid)) === null) return ran(1, [], [`kill: ${target}: No such process`]);
    if (!root) return ran(1, [], [`kill: ${target}: Operation not permitted`]);
    return { ...ran(0), hostEffect: { kind: 'signal', pgid: Number(pgid) } };
  },
};
