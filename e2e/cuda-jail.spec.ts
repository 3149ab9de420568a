import { expect, test } from './fixtures';
import { bothLocales, inLocale } from './localized';
import { finish } from './walk-to-end';

for (const locale of bothLocales) {
  test.describe(`${locale}`, () => {
    const ui = inLocale(locale);
    test.use({ hostSpec: 'sim:x220-fresh' });

    test('builds the jail with debootstrap, shows each file’s diff, proves CUDA inside it, and finishes on the summary', async ({ wizard }) => {
      const { page } = wizard;
      await ui.reachFreshJail(page);
      await expect(ui.check(page, 'jail.check.userland').getByText(ui.tr('jail.userland.none', { root: '/usr/local/jails/cuda', suite: 'jammy' }))).toBeVisible();
      await expect(page.getByRole('button', { name: ui.tr('ui.nav.next'), exact: true })).toBeDisabled();

      const build = page.getByRole('article', { name: ui.tr('jail.action.build.title') });
      await expect(build.getByText('$ debootstrap --arch=amd64 jammy /usr/local/jails/cuda http://archive.ubuntu.com/ubuntu/')).toBeVisible();
      await build.getByRole('button', { name: ui.tr('ui.action.review') }).click();
      await page.getByRole('dialog', { name: ui.tr('jail.action.build.title') }).getByRole('button', { name: ui.tr('ui.action.confirmRun') }).click();
      await expect(build.getByText(ui.pattern('ui.action.lastOk'))).toBeVisible({ timeout: 30_000 });

      await expect(page.getByRole('article', { name: ui.tr('jail.action.mounts.title') }).getByText(/\+linprocfs\s+\/usr\/local\/jails\/cuda\/proc/)).toBeVisible();
      await ui.runAction(page, 'jail.action.mounts.title');
      await expect(page.getByRole('article', { name: ui.tr('jail.action.devfs.title') }).getByText("+add path 'nvidia[0-9]*' unhide")).toBeVisible();
      await ui.runAction(page, 'jail.action.devfs.title');
      await ui.runAction(page, 'jail.action.jail.title');
      await expect(ui.check(page, 'jail.check.jail').getByText(ui.tr('jail.jail.ok', { jail: 'cuda', root: '/usr/local/jails/cuda' }))).toBeVisible();
      await ui.runAction(page, 'jail.action.nvidia.title');
      await expect(ui.check(page, 'jail.check.smi').getByText(ui.tr('jail.smi.ok', { jail: 'cuda', name: 'Tesla P4', memory: 7680, version: '580.105.08' }))).toBeVisible();
      await ui.runAction(page, 'jail.action.cuda.title');
      await expect(ui.check(page, 'jail.check.cuda').getByText(ui.tr('jail.cuda.ok', { name: 'Tesla P4', memory: 7680, cc: '6.1', release: '12.4' }))).toBeVisible();

      // The first model: llama.cpp built with CUDA, the model fetched, then it runs and is measured. (What a
      // long command shows while it runs is progress.spec.ts's part: here the simulated clock runs on its own.)
      await ui.next(page, 'model.title');
      await ui.runChecks(page);
      await expect(ui.check(page, 'model.check.llama').getByText(ui.tr('model.llama.missing'))).toBeVisible();
      const compile = page.getByRole('article', { name: ui.tr('model.action.build.title') });
      await expect(compile.getByText('-DCMAKE_CUDA_ARCHITECTURES=61', { exact: false })).toBeVisible();
      await compile.getByRole('button', { name: ui.tr('ui.action.review') }).click();
      await page.getByRole('dialog', { name: ui.tr('model.action.build.title') }).getByRole('button', { name: ui.tr('ui.action.confirmRun') }).click();
      await expect(compile.getByText(ui.pattern('ui.action.lastOk'))).toBeVisible({ timeout: 30_000 });
      await expect(ui.check(page, 'model.check.llama').getByText(ui.tr('model.llama.ok', { version: '6123 (b3a8f1c2)', device: 'Tesla P4', cc: '6.1' }))).toBeVisible();
      await ui.runAction(page, 'model.action.download.title');
      await expect(ui.check(page, 'model.check.generation').getByText(ui.tr('model.generation.ok', { layers: 33, tps: '27.3', seconds: '12.3' }))).toBeVisible({ timeout: 30_000 });
      const bench = ui.check(page, 'model.check.benchmark');
      await expect(bench.getByText(ui.tr('model.bench.pass', { tg: '27.6', pp: 521, share: 71 }))).toBeVisible();
      await expect(bench.getByRole('term').filter({ hasText: ui.tr('bench.figure.load-time') })).toBeVisible();
      await expect(ui.check(page, 'model.check.thermal').getByText(ui.tr('model.thermal.ok', { celsius: 71, watts: '67' }))).toBeVisible();
      await ui.next(page, 'steps.verify.title');

      // The end, reached by pressing only what the screen offered from step 1 on: Finish, 8 of 8, the summary.
      await finish(page, ui);
      const nav = page.getByRole('navigation', { name: ui.tr('ui.steps.navLabel') });
      await expect(nav.getByText(ui.tr('ui.steps.progress', { done: 8, total: 8 }))).toBeVisible();
      await expect(page.getByRole('region', { name: ui.tr('summary.usage.title') }).getByText('$ ssh -N -L 8080:127.0.0.1:8080 demo@x220', { exact: true })).toBeVisible();
    });
  });
}

test.describe('the jail hides the NVIDIA nodes', () => {
  test.use({ hostSpec: 'sim:x220-jail-no-devfs' });

  test('says why nvidia-smi in the jail finds nothing, and the ruleset fix brings the GPU in', async ({ wizard }) => {
    const ui = inLocale('zh-CN');
    const { page } = wizard;
    await ui.reachJailChecks(page);
    const smi = ui.check(page, 'jail.check.smi');
    await expect(smi.getByText(ui.tr('jail.smi.nodesHidden', { nodes: 'nvidia-modeset, nvidia0, nvidiactl', jail: 'cuda' }))).toBeVisible();
    await expect(smi.getByText(ui.tr('jail.smi.advice.devfs'))).toBeVisible();
    await ui.runAction(page, 'jail.action.devfs.title');
    await expect(smi.getByText(ui.pattern('jail.smi.ok'))).toBeVisible();
    await ui.runAction(page, 'jail.action.jail.title');
    await ui.next(page, 'model.title');
  });
});

test.describe('llama.cpp built without CUDA', () => {
  test.use({ hostSpec: 'sim:x220-cpu-fallback' });

  test('names the CPU build, and the rebuild with CUDA puts the model on the GPU', async ({ wizard }) => {
    const ui = inLocale('en');
    const { page } = wizard;
    await ui.reachJailChecks(page);
    await ui.next(page, 'model.title');
    await ui.runChecks(page);
    const llama = ui.check(page, 'model.check.llama');
    await expect(llama.getByText(ui.pattern('model.llama.noCuda'))).toBeVisible();
    await expect(llama.getByRole('button', { name: ui.tr('ui.check.explain') })).toBeVisible();
    await ui.runAction(page, 'model.action.build.title');
    await expect(llama.getByText(ui.pattern('model.llama.ok'))).toBeVisible();
    await expect(ui.check(page, 'model.check.generation').getByText(ui.pattern('model.generation.ok'))).toBeVisible({ timeout: 30_000 });
  });
});
