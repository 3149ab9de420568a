/** The passthrough route's virtual machine under vm-bhyve. */
export const bhyveEn = {
  'bhyve.memory.too-little':
    'This machine has {installed} GB of memory. A guest with the GPU needs its memory set aside for as long as it runs, and FreeBSD keeps 2 GB for itself, so passthrough needs at least {needed} GB installed. The X220 takes up to {max} GB (two 8 GB modules); until then, the Linux jail route needs no extra memory.',
} as const;
