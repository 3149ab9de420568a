import type { en } from '../en';
import { coreZhCN } from './core';
import { stepsZhCN } from './steps';
import { uiZhCN } from './ui';

export const zhCN = { ...uiZhCN, ...stepsZhCN, ...coreZhCN } satisfies Record<keyof typeof en, string>;
