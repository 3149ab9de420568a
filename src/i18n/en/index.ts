import { coreEn } from './core';
import { diagnosisEn } from './diagnosis';
import { modelEn } from './model';
import { driverEn } from './driver';
import { sshEn } from './ssh';
import { jailEn } from './jail';
import { stepsEn } from './steps';
import { uiEn } from './ui';
import { benchEn } from './bench';
import { ollamaEn } from './ollama';

export const en = { ...uiEn, ...stepsEn, ...driverEn, ...modelEn, ...coreEn, ...diagnosisEn, ...sshEn, ...jailEn, ...benchEn, ...ollamaEn } as const;
