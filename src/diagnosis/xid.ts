import type { Severity } from './types';

/**
 * What an Xid number means, after NVIDIA's "XID Errors" table, reduced to what a user of one passively
 * cooled card behind a one-lane ExpressCard link can act on. Each known number has its own text
 * (`diagnosis.xid.<n>`); any other number gets the generic one.
 */
const KNOWN: Readonly<Record<number, Severity>> = {
  8: 'warn', // GPU stopped processing (channel timeout)
  13: 'warn', // graphics engine exception: usually the application
  31: 'warn', // GPU memory page fault: usually the application
  32: 'error', // corrupted push buffer: bus or system memory trouble
  38: 'warn', // driver firmware error
  43: 'warn', // GPU stopped processing: the application's channel was reset
  45: 'info', // preemptive cleanup after earlier errors
  48: 'error', // double-bit ECC error
  61: 'warn', // internal micro-controller breakpoint/warning
  62: 'error', // internal micro-controller halt
  63: 'info', // ECC page retirement / row remapping recorded
  64: 'error', // ECC page retirement / row remapping failed
  69: 'warn', // graphics engine class error
  74: 'error', // NVLink error
  79: 'error', // GPU has fallen off the bus
  92: 'warn', // high single-bit ECC error rate
  94: 'warn', // contained ECC error
  95: 'error', // uncontained ECC error
  109: 'warn', // context switch timeout
  119: 'error', // GSP RPC timeout
  120: 'error', // GSP error
};

const knownXid = (code: number): boolean => Object.hasOwn(KNOWN, code);

export const xidSeverity = (code: number): Severity => KNOWN[code] ?? 'warn';

export const xidMessageKey = (code: number): string => (knownXid(code) ? `diagnosis.xid.${code}` : 'diagnosis.xid.unknown');

export const knownXidCodes = (): number[] => Object.keys(KNOWN).map(Number);
