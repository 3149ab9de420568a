import type { bhyveEn } from '../en/bhyve';

/** 直通路线中由 vm-bhyve 管理的虚拟机。 */
export const bhyveZhCN = {
  'bhyve.memory.too-little':
    '这台机器装有 {installed} GB 内存。获得 GPU 的虚拟机在运行期间要独占它的全部内存，FreeBSD 自身还需保留 2 GB，因此直通至少需要 {needed} GB 内存。X220 最多可装 {max} GB（两条 8 GB 内存）；在加装内存之前，可以选择不需要额外内存的 Linux jail 路线。',
} satisfies Record<keyof typeof bhyveEn, string>;
