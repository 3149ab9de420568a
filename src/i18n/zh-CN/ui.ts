import type { uiEn } from '../en/ui';

export const uiZhCN = {
} satisfies Record<keyof typeof uiEn, string>;
