import { msg, type Message } from '../contract/messages';
import type { CommandRun } from '../commands/runner';
import { doasConfLine } from '../host/elevation';
import { evidenceOf } from '../wizard/evidence';
import { defineCheck, invoke, type StepDefinition, type Verdict } from '../wizard/step';

/** FreeBSD majors the driver packages and this wizard's instructions are written for. */
const SUPPORTED_MAJORS = [14, 15];

const osCheck = defineCheck({
  id: 'os',
  title: 'steps.preflight.check.os',
  readOnly: true,
  commands: { uname: invoke('uname', {}) },
  evaluate: ({ uname }): Verdict => {
    const evidence = [evidenceOf(uname)];
    if (!uname.parsed.ok) {
      return { status: 'error', reason: msg('steps.preflight.os.unreadable', { detail: uname.parsed.error.message }), advice: [], evidence };
    }
    const { sysname, release, major } = uname.parsed.value;
    if (sysname !== 'FreeBSD') {
      return {
        status: 'fail',
        reason: msg('steps.preflight.os.notFreeBSD', { os: `${sysname} ${release}` }),
        advice: [msg('steps.preflight.os.notFreeBSD.advice')],
        evidence,
      };
    }
    if (major !== null && SUPPORTED_MAJORS.includes(major)) {
      return { status: 'pass', reason: msg('steps.preflight.os.ok', { release }), advice: [], evidence };
    }
    if (major !== null && major > Math.max(...SUPPORTED_MAJORS)) {
      return { status: 'warn', reason: msg('steps.preflight.os.newer', { release }), advice: [], evidence };
    }
    return {
      status: 'fail',
      reason: msg('steps.preflight.os.tooOld', { release }),
      advice: [msg('steps.preflight.os.tooOld.advice')],
      evidence,
    };
  },
});

const machineCheck = defineCheck({
  id: 'machine',
  title: 'steps.preflight.check.machine',
  readOnly: true,
  commands: { kenv: invoke('kenv', {}) },
  evaluate: ({ kenv }): Verdict => {
    if (!kenv.parsed.ok) {
      return {
        status: 'warn',
        reason: msg('steps.preflight.machine.unknown', { detail: kenv.parsed.error.message }),
        advice: [],
        evidence: [evidenceOf(kenv)],
      };
    }
    const values = kenv.parsed.value.values;
    const maker = values['smbios.system.maker'] ?? '';
    const product = values['smbios.system.product'] ?? '';
    // Lenovo puts the model name in the version field and the machine type (4291-xxx) in the product field.
    const version = values['smbios.system.version'] ?? '';
    const bios = values['smbios.bios.version'] ?? '';
    const shown = ['smbios.system.maker', 'smbios.system.product', 'smbios.system.version', 'smbios.bios.version'];
    const evidence = [evidenceOf(kenv, (line) => shown.some((key) => line.startsWith(`${key}=`)))];
    const model = [maker, version, product].filter((v) => v !== '').join(' ');
    if (/\bX220\b/i.test(version) || /\bX220\b/i.test(product)) {
      return { status: 'pass', reason: msg('steps.preflight.machine.x220', { model, bios }), advice: [], evidence };
    }
    return {
      status: 'warn',
      reason: msg('steps.preflight.machine.other', { model: model || '?', bios: bios || '?' }),
      advice: [msg('steps.preflight.machine.other.advice')],
      evidence,
    };
  },
});

const works = (run: CommandRun<{ works: boolean }>): boolean => run.parsed.ok && run.parsed.value.works;
const found = (run: CommandRun<{ path: string | null }>): boolean => run.parsed.ok && run.parsed.value.path !== null;

const privilegeCheck = defineCheck({
  id: 'privileges',
  title: 'steps.preflight.check.privileges',
  readOnly: true,
  commands: {
    uid: invoke('idUid', {}),
    user: invoke('idName', {}),
    sudoPath: invoke('which', { program: 'sudo' }),
    sudo: invoke('sudoProbe', {}),
    doasPath: invoke('which', { program: 'doas' }),
    doas: invoke('doasProbe', {}),
  },
  evaluate: (runs, context): Verdict => {
    const evidence = [runs.uid, runs.sudoPath, runs.sudo, runs.doasPath, runs.doas]
      .filter((run) => run.outcome !== 'not-found' || run.commandId === 'which')
      .map((run) => evidenceOf(run));
    const pass = (reason: Message, elevation: string, needsPassword = false): Verdict => ({
      status: 'pass',
      reason,
      advice: [],
      evidence,
      facts: { elevation, needsPassword },
    });
    if (runs.uid.parsed.ok && runs.uid.parsed.value.uid === 0) return pass(msg('steps.preflight.privileges.root'), 'root');
    if (works(runs.sudo)) return pass(msg('steps.preflight.privileges.sudoNopasswd'), 'sudo');
    if (works(runs.doas)) return pass(msg('steps.preflight.privileges.doas'), 'doas');
    if (found(runs.sudoPath)) {
      if (context.passwordVerified) return pass(msg('steps.preflight.privileges.sudoPassword'), 'sudo', true);
      return {
        status: 'fail',
        reason: msg('steps.preflight.privileges.sudoNeedsPassword'),
        advice: [msg('steps.preflight.privileges.sudoNeedsPassword.advice')],
        evidence,
        facts: { elevation: 'sudo', needsPassword: true },
      };
    }
    const user = runs.user.parsed.ok ? runs.user.parsed.value.name : 'USER';
    return {
      status: 'fail',
      reason: msg(found(runs.doasPath) ? 'steps.preflight.privileges.doasDenied' : 'steps.preflight.privileges.none'),
      advice: [
        msg('steps.preflight.privileges.adviceDoas', { line: doasConfLine(user) }),
        msg('steps.preflight.privileges.adviceSudo'),
      ],
      evidence,
      facts: { elevation: 'none', needsPassword: false },
    };
  },
});

export const preflightStep: StepDefinition = {
  id: 'preflight',
  title: 'steps.preflight.title',
  intro: 'steps.preflight.intro',
  instructions: ['steps.preflight.instructions.what', 'steps.preflight.instructions.readOnly'],
  illustration: null,
  checklist: [],
  checks: [osCheck, machineCheck, privilegeCheck],
  actions: [],
};
