import { it } from 'vitest';
import { atDriver } from './walk';
it('x', async () => {
  let on = false;
  const { call } = await atDriver('x220-fresh', { timeScale: 0.2, onState: (s) => { if (on) console.log('S', s.current.id, s.busy, JSON.stringify(s.current.actions.map((a) => a.progress))); } });
  on = true;
  await call('wizard:runChecks', { stepId: 'driver' });
  await call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
});
