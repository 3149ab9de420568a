import { coreEn } from './core';
import { diagnosisEn } from './diagnosis';
import { modelEn } from './model';
import { driverEn } from './driver';
import { sshEn } from './ssh';
import { jailEn } from './jail';
import { stepsEn } from './steps';
import { uiEn } from './ui';
import { benchEn } from './bench';
import { summaryEn } from './summary';

export const en = { ...uiEn, ...stepsEn, ...driverEn, ...modelEn, ...coreEn, ...diagnosisEn, ...sshEn, ...jailEn, ...benchEn, ...summaryEn } as const;
