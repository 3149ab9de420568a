import type { en } from '../en';
import { coreZhCN } from './core';
import { driverZhCN } from './driver';
import { stepsZhCN } from './steps';
import { uiZhCN } from './ui';

export const zhCN = { ...uiZhCN, ...stepsZhCN, ...driverZhCN, ...coreZhCN } satisfies Record<keyof typeof en, string>;
