import { x220Scenario } from './x220';

/** Healthy hardware, but the user has neither sudo nor doas installed, and is not root. */
export const noPrivilege = x220Scenario({
  name: 'no-privilege',
  description: 'ThinkPad X220 with a healthy eGPU, user without sudo or doas',
  gpu: 'healthy',
  powered: true,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'absent', doas: 'absent' },
  packages: [],
});
