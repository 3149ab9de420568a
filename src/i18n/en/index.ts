import { coreEn } from './core';
import { sshEn } from './ssh';
import { stepsEn } from './steps';
import { uiEn } from './ui';

export const en = { ...uiEn, ...stepsEn, ...coreEn, ...sshEn } as const;
