import type { sshEn } from '../en/ssh';

export const sshZhCN = {
  'ssh.host.label': '{host}（通过 SSH）',
  'ssh.host.description': '通过 SSH 连接的 FreeBSD 电脑，使用你自己的密钥。',

  'ssh.ui.option': '通过 SSH 连接另一台电脑',
  'ssh.ui.optionDescription': '在这台电脑上配置 X220：向导通过你的 ssh 客户端在那边执行命令，使用你自己的密钥和 agent。',
  'ssh.ui.addressLabel': '用户名和地址',
  'ssh.ui.addressHint': '格式为 user@host 或 user@host:port，例如 alice@192.168.1.20',
  'ssh.ui.connect': '连接',
  'ssh.ui.connecting': '正在连接…',
  'ssh.ui.keyTitle': '这真的是你的 X220 吗？',
  'ssh.ui.keyText': '向导之前没有连接过 {host}。它出示的 {type} 主机密钥指纹是：',
  'ssh.ui.keyCompare': '请在那台电脑上运行 “ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub”（或对应类型的密钥文件），逐个字符核对指纹。',
  'ssh.ui.keyTrust': '指纹一致：信任此密钥并连接',
  'ssh.ui.keyReject': '指纹不一致：不要连接',
  'ssh.ui.keyRejected': '未连接。指纹不同可能意味着该地址上应答的是另一台电脑。',
  'ssh.ui.keyStored': '接受的密钥保存在向导自己的已知主机列表中，不会写入你的 ~/.ssh/known_hosts。',

  'ssh.address.empty': '请输入 X220 的用户名和地址，例如 alice@192.168.1.20。',
  'ssh.address.no-user': '请在地址前加上用户名，例如 alice@{input}。',
  'ssh.address.bad-user': '用户名不正确：只能包含字母、数字、“_”、“.” 或 “-”，且不能以 “-” 开头。',
  'ssh.address.bad-host': '地址不正确：请使用主机名（x220.lan）、IPv4 地址（192.168.1.20）或放在方括号里的 IPv6 地址。',
  'ssh.address.bad-port': '端口必须是 1 到 65535 之间的数字。',
  'ssh.address.too-long': '地址太长。',

  'ssh.error.ssh-missing': '这台电脑没有安装 ssh 客户端，无法连接 {host}。请安装 OpenSSH 后重试。（{detail}）',
  'ssh.error.host-key-unknown': '{host} 的主机密钥尚未确认。请在主机选择窗口中重新选择它，核对并接受其指纹。（{detail}）',
  'ssh.error.host-key-changed': '{host} 的主机密钥自上次接受后已经改变。这可能意味着连接被人拦截，也可能是那台电脑重装了系统。向导不会连接，也不会替换已知的密钥；如果你清楚改变的原因，请自行删除旧条目。（{detail}）',
  'ssh.error.auth-failed': '{host} 拒绝了登录。向导只使用你自己的 SSH 密钥和 agent，从不询问密码：请确认 “ssh {host}” 无需密码即可登录。（{detail}）',
  'ssh.error.unreachable': '无法连接到 {host}。请确认它已开机、已联网，并且 sshd 正在运行。（{detail}）',
  'ssh.error.connection-lost': '命令执行期间与 {host} 的连接中断，无法确定命令是否在那边执行完毕。（{detail}）',
  'ssh.error.no-key': '{host} 没有出示向导能够读取的主机密钥，因此无法核对。',
  'ssh.error.key-mismatch': '{host} 已不再提供指纹为 {fingerprint} 的密钥。没有信任任何密钥；请重新连接以查看它当前的密钥。',
  'ssh.error.remote': '{host} 接受了登录，但在那边执行一条简单命令失败：{detail}',
  'ssh.advice.retry': '请检查网络后重新运行检查；未完成的检查不会改动那台电脑上的任何内容。',
} satisfies Record<keyof typeof sshEn, string>;
