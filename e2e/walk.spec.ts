import { expect, test } from './fixtures';
import { passPreflight, runChecks, stepNav, tickChecklist } from './helpers';

test.use({ hostSpec: 'sim:x220-fresh' });

test('a healthy X220 walks through Preflight and Adapter card to the next step', async ({ wizard }) => {
  const { page } = wizard;
  const next = page.getByRole('button', { name: 'Next', exact: true });
  await expect(next).toBeDisabled();
  await expect(stepNav(page).getByRole('button', { name: /Adapter card/ })).toHaveCount(0); // locked, not a button

  await passPreflight(page);

  await expect(next).toBeDisabled();
  await expect(page.getByText('Tick every item of the checklist first.')).toBeVisible();
  await tickChecklist(page);
  await runChecks(page);
  await expect(page.getByText(/Found GP104GL \[Tesla P4\] at pci0:5:0:0/)).toBeVisible();
  await expect(page.getByText(/memory ranges \(BARs\) of the GPU have addresses/)).toBeVisible();

  // Evidence sits next to the verdict: the exact command and the lines it rests on.
  const check = page.getByRole('article', { name: 'NVIDIA GPU on the PCI bus' });
  await check.getByRole('button', { name: /Evidence/ }).click();
  await expect(check.getByText('pciconf -lvb')).toBeVisible();
  await expect(check.getByText(/vendor=0x10de device=0x1bb3/)).toBeVisible();

  await next.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Power supply and cooling' })).toBeVisible();
  await expect(stepNav(page).getByRole('button', { name: /Preflight/ })).toBeVisible();

  // Progress survives a reload of the window.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Power supply and cooling' })).toBeVisible();
});

test('the command log shows every command with its exit code', async ({ wizard }) => {
  const { page } = wizard;
  await runChecks(page);
  await page.getByRole('button', { name: 'Command log' }).click();
  const log = page.getByRole('complementary', { name: 'Command log' });
  await expect(log).toBeVisible();
  await expect(log.getByText('uname -rsm').first()).toBeVisible();
  await expect(log.getByText('kenv', { exact: true }).first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(log).toBeHidden();
});

test('a box ticked while the previous one is still being saved stays ticked', async ({ wizard }) => {
  test.skip(wizard.mode !== 'browser', 'holds back replies over HTTP, which only browser mode has');
  const { page } = wizard;
  await passPreflight(page);
  const boxes = page.getByRole('group', { name: 'Before you continue' }).getByRole('checkbox');
  // Each reply is held until the test lets it through, in order.
  const gates: Array<() => void> = [];
  const opened: Array<Promise<void>> = [0, 1].map(() => new Promise<void>((resolve) => gates.push(resolve)));
  let replies = 0;
  await page.route('**/api/invoke/wizard:setChecklistItem', async (route) => {
    const gate = opened[replies++];
    const response = await route.fetch();
    await gate;
    await route.fulfill({ response });
  });
  await boxes.nth(0).click();
  await boxes.nth(1).click();
  await expect.poll(() => replies).toBe(2);
  // The first reply carries the state as saved before the second click: the second box unticked.
  gates[0]?.();
  await expect(page.getByRole('group', { name: 'Before you continue' }).getByText(/^1 of \d+ done$/)).toBeVisible();
  await expect(boxes.nth(1)).toBeChecked();
  gates[1]?.();
  await expect(page.getByRole('group', { name: 'Before you continue' }).getByText(/^2 of \d+ done$/)).toBeVisible();
  await expect(boxes.nth(0)).toBeChecked();
  await expect(boxes.nth(1)).toBeChecked();
});
