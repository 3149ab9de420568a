/** Texts of the wizard engine, hosts, notices and errors that reach the user. */
export const coreEn = {
  'wizard.blocked.running': 'Checks are running…',
  'wizard.blocked.checklist': 'Tick every item of the checklist first.',
  'wizard.blocked.notRun': 'Run the checks to continue.',
  'wizard.blocked.failed': 'A check failed. Follow its advice, then run the checks again.',
  'wizard.blocked.warnings': 'A check gave a warning. Read it; you may continue anyway.',
  'wizard.check.cancelled': 'Cancelled before it finished.',
  'wizard.check.internalError': 'The wizard could not evaluate this check ({detail}). This is a bug; the command log has the output.',

  'notice.progressSetAside': 'Your saved progress could not be read ({problem}). It was moved to {file} and the wizard started afresh; nothing on the computer was changed.',
  'notice.progressNotSaved': 'Progress could not be saved to {file}. The wizard keeps working, but will not remember this session after a restart.',
  'notice.changeNotApplied': 'Nothing was changed in {path}: {reason}.',
  'notice.changeRestored': 'Writing {path} did not work ({reason}), so the original was put back.',
  'notice.passwordRejected': 'sudo did not accept that password. Nothing was run as root.',

  'host.local.label': 'This computer',
  'host.local.description': 'Run the checks on the machine this app runs on (the FreeBSD laptop).',
  'host.sim.description': 'Demo (simulated): nothing runs on a real machine; the wizard plays this situation.',
  'host.picker.notFreeBSD': 'This computer runs {os}, not FreeBSD, so the wizard cannot set up a GPU on it. Choose a simulated demo host to see how the wizard works.',
  'host.picker.unknownOs': 'The wizard could not tell which operating system this computer runs ({detail}). Choose a host.',

  'scenario.x220-fresh': 'ThinkPad X220, fresh FreeBSD 14.2, GPU connected and powered',
  'scenario.x220-unpowered': 'ThinkPad X220, adapter inserted but without power',
  'scenario.x220-error12': 'ThinkPad X220, GPU found but its memory ranges fail (“Error 12”)',
  'scenario.not-freebsd': 'A Linux laptop instead of FreeBSD',
  'scenario.no-privilege': 'ThinkPad X220 without sudo or doas',
  'scenario.x220-gen1-link': 'ThinkPad X220, GPU link trained at only PCIe Gen1 (2.5 GT/s)',
  'scenario.x220-hot': 'ThinkPad X220, NVIDIA driver working, GPU overheating (92 °C, thermal slowdown)',
  'scenario.x220-hotplugged': 'ThinkPad X220, adapter powered on after boot: no GPU until a restart',

  'error.unknown-channel': 'The app asked for something the backend does not offer.',
  'error.invalid-payload': 'The app sent a request the backend refused as invalid.',
  'error.forbidden-sender': 'The request did not come from the wizard’s own window and was refused.',
  'error.unauthorized': 'The request lacked the session token and was refused. Open the address printed by “serve”.',
  'error.busy': 'The wizard is busy with another task. Wait for it to finish, or cancel it.',
  'error.invalid-state': 'That is not possible right now: {detail}',
  'error.internal': 'Something went wrong inside the wizard: {detail}',
} as const;
