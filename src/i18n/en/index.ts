import { coreEn } from './core';
import { stepsEn } from './steps';
import { uiEn } from './ui';

export const en = { ...uiEn, ...stepsEn, ...coreEn } as const;
