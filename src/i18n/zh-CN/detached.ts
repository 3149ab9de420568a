import type { detachedEn } from '../en/detached';

export const detachedZhCN = {
  'detached.stillRunning': '自 {time} 起仍在主机上运行。关闭向导或连接中断都不会打断它；向导重新打开后会接着跟进。',
  'detached.stopFailed': '无法停止这条耗时命令（{reason}），它仍在主机上运行。如果向导要求输入 sudo 密码，请先输入，再点一次“停止”。',
  'detached.interrupted.restarted': '这条耗时命令运行期间，主机重启过（或断过电），所以它中途停了下来，没有执行完。已经完成的部分仍留在主机上，还剩哪些要做，请看本步骤的检查结果。准备好后可以重新运行；向导不会自行重新启动它。',
  'detached.interrupted.gone': '这条耗时命令在主机上中途停止了，却没有留下退出状态（它的进程很可能被强行终止了）。已经完成的部分仍留在主机上，还剩哪些要做，请看本步骤的检查结果。准备好后可以重新运行；向导不会自行重新启动它。',
  'detached.vanished': '这条耗时命令没有在主机上启动（任务目录里没有进程号），请重新运行。',
} satisfies Record<keyof typeof detachedEn, string>;
