import { ran, systemPath, type Tool } from './tool';

/** Ignores its arguments and succeeds; the elevation probes run it. */
export const trueTool: Tool = {
  program: 'true',
  path: (m) => systemPath(m, { FreeBSD: '/usr/bin/true', Linux: '/usr/bin/true' }),
  run: () => ran(0),
};
