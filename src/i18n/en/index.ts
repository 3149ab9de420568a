import { coreEn } from './core';
import { diagnosisEn } from './diagnosis';
import { stepsEn } from './steps';
import { uiEn } from './ui';

export const en = { ...uiEn, ...stepsEn, ...coreEn, ...diagnosisEn } as const;
