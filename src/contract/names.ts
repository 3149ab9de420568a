/**
 * The channel and event names alone, without zod: the sandboxed preload can only load bundled code, and
 * needs nothing more than these lists to refuse what the contract does not name; the renderer's startup
 * script stays small by importing only these (and the contract's types). `channels.ts` checks at
 * compile time that the lists match its schemas.
 */
export const channelNameList = [
  'app:info',
  'wizard:state',
  'host:select',
  'ssh:probe',
  'ssh:trust',
  'wizard:runChecks',
  'wizard:setChecklistItem',
  'wizard:setInput',
  'wizard:goTo',
  'wizard:next',
  'wizard:showSummary',
  'wizard:summary',
  'wizard:runAction',
  'wizard:cancel',
  'auth:providePassword',
  'auth:forgetPassword',
  'changes:list',
  'changes:undo',
  'changes:guest',
  'changes:restart',
  'troubleshoot:run',
  'troubleshoot:applyFix',
  'troubleshoot:restart',
  'report:build',
  'log:recent',
  'settings:get',
  'settings:setLocale',
] as const;

export const eventNameList = ['state:changed', 'log:entry', 'log:line'] as const;

/** The `code` of a refusal; `channels.ts` builds its schema from this list, the renderer checks replies with it. */
export const contractErrorCodeList = [
  'unknown-channel',
  'invalid-payload',
  'forbidden-sender',
  'unauthorized',
  'busy',
  'invalid-state',
  'internal',
] as const;

export const isListedChannel = (name: unknown): boolean =>
  typeof name === 'string' && (channelNameList as readonly string[]).includes(name);
export const isListedEvent = (name: unknown): name is (typeof eventNameList)[number] =>
  typeof name === 'string' && (eventNameList as readonly string[]).includes(name);

/** For "unknown channel" messages. Not String(name): a null-prototype object has no toString, and that throw would escape. */
export const describeChannel = (name: unknown): string =>
  typeof name === 'string' ? name.slice(0, 80) : `of type ${typeof name}`;
