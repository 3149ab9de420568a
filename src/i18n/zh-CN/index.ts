import type { en } from '../en';
import { coreZhCN } from './core';
import { diagnosisZhCN } from './diagnosis';
import { stepsZhCN } from './steps';
import { uiZhCN } from './ui';

export const zhCN = { ...uiZhCN, ...stepsZhCN, ...coreZhCN, ...diagnosisZhCN } satisfies Record<keyof typeof en, string>;
