import type { en } from '../en';
import { coreZhCN } from './core';
import { sshZhCN } from './ssh';
import { stepsZhCN } from './steps';
import { uiZhCN } from './ui';

export const zhCN = { ...uiZhCN, ...stepsZhCN, ...coreZhCN, ...sshZhCN } satisfies Record<keyof typeof en, string>;
