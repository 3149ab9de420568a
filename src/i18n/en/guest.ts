/** Inside the passthrough route's Ubuntu guest: the login, NVIDIA's driver, nvidia-smi and CUDA's deviceQuery. */
export const guestEn = {
  'guest.later': 'Runs once the wizard can log in to the guest “{name}”.',
  'guest.unreadable': 'The wizard could not read the guest’s {what}: {detail}',

  'guest.check.reach': 'Guest: the wizard can log in',
  'guest.reach.later': 'Runs once the guest “{name}” exists: vm create writes its address to {file}.',
  'guest.reach.noStaticAddress': 'The guest “{name}” has no fixed address in {file} (it was made without one, or the file was edited), so the wizard cannot find it on the network.',
  'guest.reach.advice.recreate': 'Let the wizard create the guest again with a fixed address: stop it, remove it with “vm destroy -f cuda”, then run the checks.',
  'guest.reach.unreadable': 'The wizard could not read {file}, which holds the guest’s address.',
  'guest.reach.unsupported': 'This host cannot reach a guest from the wizard.',
  'guest.reach.noKey': 'The wizard has no data folder here, so it has no key ({key}) to log in to the guest with.',
  'guest.reach.failed': 'Logged in to {user}@{address}, but reading the system there failed: {detail}',
  'guest.reach.otherSystem': 'The machine at {address} runs {found}, not the Ubuntu {release} guest the wizard made. Another computer may have the address.',
  'guest.reach.ok': 'Logged in to the guest “{name}” at {address} as {user} with the wizard’s key ({key} in its data folder): Ubuntu {release}.',

  'guest.check.driver': 'Guest: NVIDIA driver installed and loaded',
  'guest.driver.missing': 'NVIDIA’s {branch} driver is not installed in the guest (missing: {missing}).',
  'guest.driver.advice.why':
    'The {branch} series is the last that supports Pascal cards like the Tesla P4. The wizard installs {packages} from Ubuntu’s archive: the kernel module (built by DKMS for each kernel) and the compute libraries with nvidia-smi, without the graphics stack a server guest has no use for. The “-open” packages would not work: NVIDIA’s open kernel modules need Turing or later.',
  'guest.driver.notLoaded': 'The driver packages ({version}) are installed, but the kernel module is not loaded.',
  'guest.driver.otherBranch': 'The loaded NVIDIA kernel module is {loaded}, not from the {branch} series this card needs.',
  'guest.driver.ok': 'The guest has {packages}, and the NVIDIA kernel module {loaded} is loaded.',

  'guest.check.smi': 'Guest: nvidia-smi sees the card',
  'guest.smi.later': 'Runs once the driver (with nvidia-smi) is installed in the guest.',
  'guest.smi.ok': 'nvidia-smi in the guest shows {name} with {memory} MiB (driver {version}).',
  'guest.smi.noDriver': 'nvidia-smi cannot talk to the driver in the guest: the kernel module is not loaded.',
  'guest.smi.noDevice': 'The driver is loaded, but nvidia-smi finds no GPU in the guest “{name}”.',
  'guest.smi.advice.passthru': 'Check that the card is passed through: the VM checks above should all pass, and the guest’s template should have a passthru0 line.',

  'guest.check.cuda': 'Guest: CUDA sees the card',
  'guest.cuda.noToolkit': 'The guest has no CUDA toolkit yet. The wizard installs CUDA {release} (toolkit only, never its bundled driver).',
  'guest.cuda.tooNew': 'The guest’s CUDA toolkit is {found}. CUDA 13 and later no longer compile for Pascal cards (compute capability 6.1) like the Tesla P4. The wizard installs CUDA {release} and points /usr/local/cuda at it.',
  'guest.cuda.noQuery': 'deviceQuery ({path}) could not be run in the guest.',
  'guest.cuda.devices': 'deviceQuery found {count} devices in the guest ({detail}); it should find exactly one.',
  'guest.cuda.unexpected': 'deviceQuery sees “{name}” with {memory} MiB and compute capability {cc}, but nvidia-smi reports {smiMemory} MiB and the card has compute capability {expectedCc}.',
  'guest.cuda.ok': 'With CUDA {release}, deviceQuery in the guest sees one device: {name}, {memory} MiB, compute capability {cc}.',

  'guest.action.guest-driver.title': 'Install the NVIDIA driver in the guest',
  'guest.action.guest-driver.description': 'Refreshes the guest’s package lists, installs NVIDIA’s 580 driver for compute from Ubuntu’s archive (a few hundred MB; DKMS then builds the module, which takes several minutes), and loads the module.',
  'guest.action.guest-driver.after': 'The wizard checks the packages, the loaded module and nvidia-smi in the guest.',
  'guest.action.guest-cuda.title': 'Install CUDA in the guest',
  'guest.action.guest-cuda.description': 'Downloads the CUDA 12.4 installer into the guest (about 4 GB) and installs the toolkit only; the driver stays Ubuntu’s.',
  'guest.action.guest-cuda.after': 'The wizard runs nvcc and deviceQuery in the guest.',
} as const;
