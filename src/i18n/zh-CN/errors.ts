import type { errorsEn } from '../en/errors';

export const errorsZhCN = {
} satisfies Record<keyof typeof errorsEn, string>;
