import type { coreEn } from '../en/core';

export const coreZhCN = {
  'wizard.blocked.running': '正在运行检查……',
  'wizard.blocked.checklist': '请先勾选清单中的每一项。',
  'wizard.blocked.notRun': '运行检查后才能继续。',
  'wizard.blocked.failed': '有一项检查未通过。请按建议处理后重新运行检查。',
  'wizard.blocked.warnings': '有一项检查给出了警告。请先阅读；确认无碍后可以仍然继续。',
  'wizard.check.cancelled': '检查在完成前被取消。',
  'wizard.check.internalError': '向导无法评估这项检查（{detail}）。这是程序缺陷；命令日志中有完整输出。',

  'notice.progressSetAside': '无法读取已保存的进度（{problem}）。原文件已移至 {file}，向导已重新开始；电脑上的任何设置都没有改动。',
  'notice.progressNotSaved': '无法把进度保存到 {file}。向导仍可继续使用，但重启后不会记得本次进度。',
  'notice.changeNotApplied': '{path} 没有任何改动：{reason}。',
  'notice.changeRestored': '写入 {path} 失败（{reason}），已恢复为原文件。',
  'notice.passwordRejected': 'sudo 没有接受这个密码，没有以 root 身份执行任何命令。',

  'host.local.label': '本机',
  'host.local.description': '在运行本程序的这台机器（即那台 FreeBSD 笔记本）上执行检查。',
  'host.sim.description': '演示（模拟）：不会在真实机器上执行任何命令，由向导模拟这种情形。',
  'host.picker.notFreeBSD': '这台电脑运行的是 {os}，不是 FreeBSD，向导无法在它上面配置显卡。可以选择一台模拟演示主机，先了解向导的流程。',
  'host.picker.unknownOs': '向导无法判断这台电脑运行的操作系统（{detail}）。请选择一台主机。',

  'scenario.x220-fresh': 'ThinkPad X220，全新安装的 FreeBSD 14.2，显卡已连接并通电',
  'scenario.x220-unpowered': 'ThinkPad X220，已插入转接卡但未通电',
  'scenario.x220-error12': 'ThinkPad X220，能识别显卡但内存地址范围分配失败（“错误代码 12”）',
  'scenario.x220-custom-loader': 'ThinkPad X220，loader.conf 由用户手写（显卡内存地址范围未分配）',
  'scenario.x220-sudo-fails': 'ThinkPad X220，修改进行到一半时 sudo 拒绝了一次',
  'scenario.not-freebsd': '一台运行 Linux 而非 FreeBSD 的笔记本',
  'scenario.no-privilege': '没有 sudo 也没有 doas 的 ThinkPad X220',
  'scenario.x220-gen1-link': 'ThinkPad X220，显卡链路只协商到 PCIe Gen1（2.5 GT/s）',
  'scenario.x220-hot': 'ThinkPad X220，NVIDIA 驱动工作正常，但显卡过热（92 °C，已触发温控降频）',
  'scenario.x220-hotplugged': 'ThinkPad X220，开机后才给转接卡通电：重启前系统找不到显卡',

  'error.unknown-channel': '程序请求了后端不提供的功能。',
  'error.invalid-payload': '程序发送的请求无效，已被后端拒绝。',
  'error.forbidden-sender': '该请求并非来自向导自己的窗口，已被拒绝。',
  'error.unauthorized': '请求缺少会话令牌，已被拒绝。请打开“serve”命令输出的地址。',
  'error.busy': '向导正在执行其他任务。请等待完成或先取消。',
  'error.invalid-state': '现在无法执行该操作：{detail}',
  'error.internal': '向导内部出错：{detail}',
} satisfies Record<keyof typeof coreEn, string>;
