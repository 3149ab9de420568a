import type { detachedEn } from '../en/detached';

export const detachedZhCN = {
  'detached.stillRunning': '自 {time} 起仍在主机上运行。关闭向导或连接中断都不会打断它；向导重新打开后会接着跟进。',
  'detached.stopFailed': '无法停止这条耗时命令（{reason}），它仍在主机上运行。如果向导要求输入 sudo 密码，请先输入，再点一次“停止”。',
  'detached.vanished': '这条耗时命令没有在主机上启动（任务目录里没有进程号），请重新运行。',
} satisfies Record<keyof typeof detachedEn, string>;
