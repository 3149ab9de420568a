import { expect, type Page } from '@playwright/test';
import { readFile, rm } from 'node:fs/promises';
import { journalFile } from '../src/config/journal';
import { progressFile } from '../src/wizard/progress';
import { atVerify } from '../test/steps/walk';
import type { inLocale } from './localized';

/**
 * What a simulated host's data folder holds once the wizard has walked it to the Verify step (every fix
 * applied, the benchmark run): its saved progress and change journal. Walked through the backend with
 * instant commands, the same steps a user takes (test/steps/walk.ts), so a spec can start at the end
 * without replaying seven steps at their simulated durations.
 */
export async function walkedToVerify(scenario: string): Promise<{ progress: string; journal: string }> {
  const { dataDir } = await atVerify(scenario);
  try {
    return {
      progress: await readFile(progressFile(dataDir, `sim:${scenario}`).path, 'utf8'),
      journal: await readFile(journalFile(dataDir).path, 'utf8'),
    };
  } finally {
    // The audit log may still be flushing into it; a temporary folder left behind is harmless.
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}

/** On Verify (from saved progress): its checks run, then Finish, and the summary is there. */
export async function finish(page: Page, ui: ReturnType<typeof inLocale>): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: ui.tr('steps.verify.title') })).toBeVisible();
  await ui.runChecks(page);
  await page.getByRole('button', { name: ui.tr('ui.nav.finish') }).click();
  await expect(page.getByRole('heading', { level: 1, name: ui.tr('summary.title') })).toBeVisible();
}
