import { coreEn } from './core';
import { driverEn } from './driver';
import { stepsEn } from './steps';
import { uiEn } from './ui';

export const en = { ...uiEn, ...stepsEn, ...driverEn, ...coreEn } as const;
