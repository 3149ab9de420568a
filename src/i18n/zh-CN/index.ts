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
import { cliZhCN } from './cli';
import { passthroughZhCN } from './passthrough';
import { summaryZhCN } from './summary';
import { ollamaZhCN } from './ollama';
import { routeZhCN } from './route';
import { detachedZhCN } from './detached';
import { bhyveZhCN } from './bhyve';
import { guestZhCN } from './guest';

export const zhCN = {
  ...coreZhCN,
  ...diagnosisZhCN,
  ...modelZhCN,
  ...driverZhCN,
  ...sshZhCN,
  ...jailZhCN,
  ...stepsZhCN,
  ...uiZhCN,
  ...benchZhCN,
  ...cliZhCN,
  ...passthroughZhCN,
  ...summaryZhCN,
  ...ollamaZhCN,
  ...routeZhCN,
  ...detachedZhCN,
  ...bhyveZhCN,
  ...guestZhCN,
} satisfies Record<keyof typeof en, string>;
