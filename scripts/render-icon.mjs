// Renders assets/icon.svg to assets/icon.png (512×512, transparent corners) with headless Chromium, the same
// browser the e2e tests use: `node scripts/render-icon.mjs` after changing the drawing. Commit both files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

const assets = join(import.meta.dirname, '..', 'assets');
const SIZE = 512;
const svg = readFileSync(join(assets, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  await page.setContent(
    `<!doctype html><style>html,body{margin:0;background:transparent}img{display:block;width:${SIZE}px;height:${SIZE}px}</style>` +
      `<img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">`,
  );
  await page.locator('img').evaluate((img) => img.decode());
  await page.screenshot({ path: join(assets, 'icon.png'), omitBackground: true, clip: { x: 0, y: 0, width: SIZE, height: SIZE } });
  console.log(`assets/icon.png: ${SIZE}×${SIZE}`);
} finally {
  await browser.close();
}
