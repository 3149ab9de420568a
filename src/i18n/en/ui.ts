export const uiEn = {
} as const;
