import { coreEn } from './core';
import { diagnosisEn } from './diagnosis';
import { modelEn } from './model';
import { driverEn } from './driver';
import { sshEn } from './ssh';
import { jailEn } from './jail';
import { stepsEn } from './steps';
import { uiEn } from './ui';
import { benchEn } from './bench';
import { cliEn } from './cli';
import { passthroughEn } from './passthrough';
import { summaryEn } from './summary';
import { ollamaEn } from './ollama';
import { routeEn } from './route';
import { detachedEn } from './detached';
import { bhyveEn } from './bhyve';
import { guestEn } from './guest';

export const en = {
  ...coreEn,
  ...diagnosisEn,
  ...modelEn,
  ...driverEn,
  ...sshEn,
  ...jailEn,
  ...stepsEn,
  ...uiEn,
  ...benchEn,
  ...cliEn,
  ...passthroughEn,
  ...summaryEn,
  ...ollamaEn,
  ...routeEn,
  ...detachedEn,
  ...bhyveEn,
  ...guestEn,
} as const;
