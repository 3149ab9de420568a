import type { cliEn } from '../en/cli';

export const cliZhCN = {
  'cli.diagnose.withoutRoot':
    '需要 root 权限的检查已跳过（其中包括 PCIe 链路的速率和宽度，因此无法发现链路降速；还有 acpidump 列出的 ACPI 表，因此无法发现 VT-d 未开启）。请以 root 身份运行，配置 sudo 或 doas，或用 --password-stdin 从标准输入提供 sudo 密码。',
} satisfies Record<keyof typeof cliEn, string>;
