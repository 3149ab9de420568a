import type { en } from '../en';
import { coreZhCN } from './core';
import { diagnosisZhCN } from './diagnosis';
import { modelZhCN } from './model';
import { driverZhCN } from './driver';
import { sshZhCN } from './ssh';
import { jailZhCN } from './jail';
import { stepsZhCN } from './steps';
import { uiZhCN } from './ui';
import { benchZhCN } from './bench';
import { ollamaZhCN } from './ollama';

export const zhCN = { ...uiZhCN, ...stepsZhCN, ...driverZhCN, ...modelZhCN, ...coreZhCN, ...diagnosisZhCN, ...sshZhCN, ...jailZhCN, ...benchZhCN, ...ollamaZhCN } satisfies Record<keyof typeof en, string>;
