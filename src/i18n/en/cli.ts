/** The command line's own words (most of its output is the same messages the app shows). */
export const cliEn = {
  'cli.diagnose.withoutRoot':
    'Checks that need root were skipped (among them the PCIe link’s speed and width, so a slow link cannot be found, and acpidump’s table list, so a missing VT-d cannot be found). Run as root, set up sudo or doas, or give the sudo password with --password-stdin.',
} as const;
