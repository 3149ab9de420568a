import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { bothLocales, inLocale } from './localized';
import { finish } from './walk-to-end';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The guest's fixed address: the one the wizard plans on the simulated X220's LAN. */
const GUEST_ADDRESS = '192.168.1.200';

for (const locale of bothLocales) {
  const ui = inLocale(locale);
  const routes = (page: Page) => page.getByRole('group', { name: ui.tr('route.input') });
  const jailRadio = (page: Page) => routes(page).getByRole('radio', { name: new RegExp(escape(ui.tr('route.choice.jail'))) });
  const passthroughRadio = (page: Page) => routes(page).getByRole('radio', { name: new RegExp(escape(ui.tr('route.choice.passthrough'))) });

  test.describe(`${locale} x220-vtd`, () => {
    test.use({ hostSpec: 'sim:x220-vtd' });

    test('at the jail step the user chooses passthrough (recommended from the evidence), keeps it over a reload, reserves the card, builds and starts the VM, logs in to the guest, installs the driver there and sees deviceQuery pass, builds and measures llama.cpp in the guest, and the summary says how to use the card there', async ({ wizard }) => {
      const { page } = wizard;
      await ui.reachFreshJail(page);
      await expect(ui.check(page, 'route.check').getByText(ui.tr('route.possible', { cpu: 'i5-2520M', memory: '7.8', guest: '5' }))).toBeVisible();
      await expect(jailRadio(page)).toBeChecked();
      await expect(passthroughRadio(page)).toBeEnabled();
      // The badge is part of the option's name: the recommended one is passthrough.
      await expect(passthroughRadio(page)).toHaveAccessibleName(new RegExp(escape(ui.tr('ui.input.choice.recommended'))));
      await expect(routes(page).getByText(ui.tr('route.choice.passthrough.hint'))).toBeVisible();
      await expect(routes(page).getByText(ui.tr('route.choice.jail.hint'))).toBeVisible();

      await passthroughRadio(page).check();
      const reserve = ui.check(page, 'reserve.check');
      await expect(reserve.getByText(ui.tr('reserve.planned', { selector: 'pci0:5:0:0', entry: '5/0/0' }))).toBeVisible();
      await expect(ui.check(page, 'jail.check.userland')).toHaveCount(0);

      await page.reload();
      await expect(page.getByRole('heading', { level: 1, name: ui.tr('route.passthrough.title') })).toBeVisible();
      await expect(passthroughRadio(page)).toBeChecked();

      const action = page.getByRole('article', { name: ui.tr('reserve.action.reserve.title') });
      await expect(action.getByText('+pptdevs="5/0/0"')).toBeVisible();
      await expect(action.getByText('+vmm_load="YES"')).toBeVisible();
      await ui.runAction(page, 'reserve.action.reserve.title');
      await expect(reserve.getByText(ui.tr('reserve.waitingRestart', { entry: '5/0/0', driver: 'vgapci1' }))).toBeVisible();
      await ui.runAction(page, 'steps.adapter.action.restart.title');
      await ui.runChecks(page);
      await expect(reserve.getByText(ui.tr('reserve.ok', { driver: 'ppt0', selector: 'pci0:5:0:0' }))).toBeVisible();
      // The proof is pciconf's own line.
      await reserve.getByRole('button', { name: ui.pattern('ui.check.evidence') }).click();
      await expect(reserve.getByText(/^ppt0@pci0:5:0:0:\s+class=0x030200 /)).toBeVisible();

      // Then the virtual machine, piece by piece, each previewed before it runs.
      await expect(ui.check(page, 'vm.check.bhyve').getByText(ui.tr('vm.bhyve.missing', { packages: 'vm-bhyve, bhyve-firmware, qemu-tools' }))).toBeVisible();
      await ui.runAction(page, 'vm.action.vm-bhyve.title');
      const host = page.getByRole('article', { name: ui.tr('vm.action.vm-host.title') });
      await expect(host.getByText('+vm_list="cuda"')).toBeVisible();
      await ui.runAction(page, 'vm.action.vm-host.title');
      const template = page.getByRole('article', { name: ui.tr('vm.action.vm-template.title') });
      await expect(template.getByText('+passthru0="5/0/0"')).toBeVisible();
      await expect(template.getByText('+memory="5G"')).toBeVisible();
      await ui.runAction(page, 'vm.action.vm-template.title');
      await expect(ui.check(page, 'vm.check.network').getByText(ui.tr('vm.network.planned', { switch: 'public', iface: 'em0' }))).toBeVisible();
      await ui.runAction(page, 'vm.action.vm-network.title');
      // The guest's fixed address: em0's network and the number the user picks; a taken one holds the guest back.
      const address = ui.check(page, 'vm.check.address');
      const free = { address: '192.168.1.200', prefix: 24, gateway: '192.168.1.1', nameservers: '192.168.1.1', iface: 'em0', host: '192.168.1.23' };
      await expect(address.getByText(ui.tr('vm.address.free', free))).toBeVisible();
      const hostNumber = page.getByLabel(ui.tr('vm.address.input'));
      await hostNumber.fill('20');
      await page.getByRole('button', { name: ui.tr('ui.input.apply') }).click();
      await expect(address.getByText(ui.tr('vm.address.taken', { address: '192.168.1.20', mac: '00:11:32:8f:0c:d4' }))).toBeVisible();
      await expect(page.getByRole('article', { name: ui.tr('vm.action.vm-guest.title') })).toHaveCount(0);
      if (locale === 'en') {
        await address.scrollIntoViewIfNeeded();
        await page.screenshot({ path: 'test-results/passthrough-address-taken.png', fullPage: false });
      }
      await hostNumber.fill('200');
      await page.getByRole('button', { name: ui.tr('ui.input.apply') }).click();
      await expect(address.getByText(ui.tr('vm.address.free', free))).toBeVisible();
      await expect(page.getByRole('article', { name: ui.tr('vm.action.vm-guest.title') }).getByText(/^\$ vm create .* -n 'ip=192\.168\.1\.200\/24;gateway=192\.168\.1\.1;nameservers=192\.168\.1\.1' cuda/)).toBeVisible();
      await ui.runAction(page, 'vm.action.vm-guest.title');
      await expect(address.getByText(ui.tr('vm.address.ok', { name: 'cuda', address: '192.168.1.200', gateway: '192.168.1.1', nameservers: '192.168.1.1' }))).toBeVisible();
      await ui.runAction(page, 'vm.action.vm-running.title');
      const running = ui.check(page, 'vm.check.running');
      await expect(running.getByText(ui.tr('vm.running.ok', { name: 'cuda', pid: 4800, log: '/vm/cuda/vm-bhyve.log' }))).toBeVisible();
      // The proof is vm list's own line.
      await running.getByRole('button', { name: ui.pattern('ui.check.evidence') }).click();
      await expect(running.getByText(/^cuda\s+default\s+uefi\s+2\s+5G\s+-\s+Yes \[1\]\s+Running \(4800\)$/)).toBeVisible();

      // Inside the guest: the wizard logs in at the network-config's address, installs the driver, sees the card, proves CUDA.
      await expect(ui.check(page, 'guest.check.reach').getByText(ui.tr('guest.reach.ok', { name: 'cuda', address: GUEST_ADDRESS, user: 'ubuntu', key: 'bhyve/guest_ed25519', release: '24.04' }))).toBeVisible();
      const driver = page.getByRole('article', { name: ui.tr('guest.action.guest-driver.title') });
      await expect(driver.getByText(/apt-get -y -o APT::Status-Fd=1 -o DPkg::Lock::Timeout=600 install nvidia-headless-580-server nvidia-utils-580-server/)).toBeVisible();
      await ui.runAction(page, 'guest.action.guest-driver.title');
      await expect(ui.check(page, 'guest.check.driver').getByText(ui.tr('guest.driver.ok', { packages: 'nvidia-headless-580-server, nvidia-utils-580-server', loaded: '580.95.05' }))).toBeVisible();
      await expect(ui.check(page, 'guest.check.smi').getByText(ui.tr('guest.smi.ok', { name: 'Tesla P4', memory: 7680, version: '580.95.05' }))).toBeVisible();
      await ui.runAction(page, 'guest.action.guest-cuda.title');
      const cuda = ui.check(page, 'guest.check.cuda');
      await expect(cuda.getByText(ui.tr('guest.cuda.ok', { release: '12.4', name: 'Tesla P4', memory: 7680, cc: '6.1' }))).toBeVisible();
      // The proof is deviceQuery's own lines, run in the guest.
      await cuda.getByRole('button', { name: ui.pattern('ui.check.evidence') }).click();
      await expect(cuda.getByText('Result = PASS')).toBeVisible();
      await expect(cuda.getByText('CUDA Capability Major/Minor version number:    6.1')).toBeVisible();

      // The first model runs in the guest: llama.cpp built there, the model downloaded, measured against the same limits.
      await ui.next(page, 'model.title');
      await ui.runChecks(page);
      const guest = ui.check(page, 'model.guest.check');
      await expect(page.getByText(ui.tr('model.guest.intro'))).toBeVisible();
      await expect(guest.getByText(ui.tr('model.guest.running', { name: 'cuda', pid: 4800, release: '24.04', user: 'ubuntu', key: 'bhyve/guest_ed25519' }))).toBeVisible();
      await expect(ui.check(page, 'model.check.llama')).toHaveCount(0);
      await expect(ui.check(page, 'model.guest.check.llama').getByText(ui.tr('model.guest.llama.missing'))).toBeVisible();
      const build = page.getByRole('article', { name: ui.tr('model.guest.action.build.title') });
      await expect(build.getByText(/^\$ cmake -S \/opt\/llama\.cpp .*-DCMAKE_CUDA_ARCHITECTURES=61 /)).toBeVisible();
      await ui.runAction(page, 'model.guest.action.build.title');
      await expect(ui.check(page, 'model.guest.check.llama').getByText(ui.tr('model.llama.ok', { version: '6123 (b3a8f1c2)', device: 'Tesla P4', cc: '6.1' }))).toBeVisible();
      await ui.runAction(page, 'model.action.download.title');
      await expect(ui.check(page, 'model.check.generation').getByText(ui.pattern('model.generation.ok'))).toBeVisible();
      // The verdict's link is the host's pciconf's: x1 at 5 GT/s, the ExpressCard's.
      const bench = ui.check(page, 'model.check.benchmark');
      await expect(bench.getByText(ui.pattern('model.bench.pass'))).toBeVisible();
      if (locale === 'en') {
        await bench.scrollIntoViewIfNeeded();
        await page.screenshot({ path: 'test-results/passthrough-guest-benchmark.png', fullPage: false });
      }
      await expect(bench.getByText(ui.tr('bench.figure.transfer', { width: 1, gts: '5.0' }))).toBeVisible();

      // The summary says how to use the card from now on: in the guest, over SSH with the wizard's key.
      await ui.next(page, 'steps.verify.title');
      // Verify judges the link above ppt0 as above vgapci: it passes, nothing to go on past.
      await finish(page, ui);
      await expect(page.getByText(ui.tr('summary.fact.guestValue', { name: 'cuda', address: GUEST_ADDRESS, release: '24.04', cuda: '12.4' }))).toBeVisible();
      await expect(page.getByText(ui.tr('summary.fact.jail'), { exact: true })).toHaveCount(0);
      const usage = page.getByRole('region', { name: ui.tr('summary.usage.title') });
      await expect(usage.getByRole('heading', { name: ui.tr('summary.usage.section.start.guest') })).toBeVisible();
      await expect(usage.getByText(ui.tr('summary.guest.login', { name: 'cuda', address: GUEST_ADDRESS, key: 'bhyve/guest_ed25519', port: '8080', unit: 'llama-server' }))).toBeVisible();
      await expect(usage.getByText(/ssh -i \S+\/bhyve\/guest_ed25519 -t ubuntu@192\.168\.1\.200 \/opt\/llama\.cpp\/build\/bin\/llama-server /)).toBeVisible();
      await expect(usage.getByText(/vm start cuda/)).toBeVisible();
      if (locale === 'en') {
        await usage.scrollIntoViewIfNeeded();
        await page.screenshot({ path: 'test-results/passthrough-summary.png', fullPage: false });
      }
    });
  });

  test.describe(`${locale} x220-no-vtd`, () => {
    test.use({ hostSpec: 'sim:x220-no-vtd' });

    test('passthrough is shown unavailable with the reason from the evidence: the BIOS option is off', async ({ wizard }) => {
      const { page } = wizard;
      await ui.reachFreshJail(page);
      const reason = ui.tr('route.blocked.bios', { cpu: 'i5-2520M' });
      await expect(passthroughRadio(page)).toBeDisabled();
      await expect(routes(page).getByText(ui.tr('ui.input.choice.unavailable', { reason }))).toBeVisible();
      await expect(jailRadio(page)).toBeChecked();
      await expect(jailRadio(page)).toHaveAccessibleName(new RegExp(escape(ui.tr('ui.input.choice.recommended'))));
      // The evidence: the firmware's table list, in which DMAR is missing, and the CPU sysctl names.
      const route = ui.check(page, 'route.check');
      await expect(route.getByText(reason)).toBeVisible();
      await route.getByRole('button', { name: ui.pattern('ui.check.evidence') }).click();
      await expect(route.getByText('Intel(R) Core(TM) i5-2520M CPU @ 2.50GHz')).toBeVisible();
      await expect(route.getByText(/DMAR: Length=/)).toHaveCount(0);
      await expect(route.getByText(/APIC: Length=/)).toBeVisible();
    });
  });
}
