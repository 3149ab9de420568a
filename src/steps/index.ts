import type { StepDefinition } from '../wizard/step';
import { adapterCardStep } from './adapter-card';
import { bootConfigStep } from './boot-config';
import { cudaJailStep } from './cuda-jail';
import { driverStep } from './driver';
import { firstModelStep } from './first-model';
import { powerCoolingStep } from './power-cooling';
import { preflightStep } from './preflight';
import { verifyStep } from './verify';

/** The wizard's order. A new step is a module in this folder and one line here (see README). */
export const wizardSteps: readonly StepDefinition[] = [preflightStep, adapterCardStep, powerCoolingStep, bootConfigStep, driverStep, cudaJailStep, firstModelStep, verifyStep];
