import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en';
import { translate } from '../../src/i18n/translate';
import { zhCN } from '../../src/i18n/zh-CN';
import { wizardSteps } from '../../src/steps';

const placeholders = (text: string) => [...text.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('have the same keys in both languages', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('translate every Chinese text (no English left behind)', () => {
    // Names and units stay as they are in every language.
    const sameEverywhere = new Set(['ui.app.name', 'ui.app.windowTitle', 'ui.language.en', 'ui.language.zh-CN', 'ui.figure.mbps', 'ui.figure.tokens']);
    const untranslated = (Object.keys(en) as (keyof typeof en)[]).filter(
      (key) => !sameEverywhere.has(key) && (zhCN[key] === en[key] || !/[\u4e00-\u9fff]/.test(zhCN[key])),
    );
    expect(untranslated).toEqual([]);
  });

  it('have a text for every key the steps use', () => {
    const keys = wizardSteps.flatMap((step) => [
      step.title,
      step.intro,
      ...step.instructions,
      ...step.checklist.map((i) => i.label),
      ...step.checks.map((c) => c.title),
    ]);
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('fill placeholders and leave unknown ones visible', () => {
    expect(translate('en', 'steps.preflight.os.ok', { release: '14.2-RELEASE' })).toBe('FreeBSD 14.2-RELEASE: supported.');
    expect(translate('zh-CN', 'steps.preflight.os.ok', {})).toContain('{release}');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
});
