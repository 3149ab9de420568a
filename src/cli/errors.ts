/**
 * A problem with the command line: one line on stderr, a pointer to --help, exit code 2. Kept apart from every
 * other module so the dispatcher can recognise it without loading any command.
 */
export class UsageError extends Error {}

/** The sudo password given with --password-stdin was refused: nothing ran as root. Exit code 2. */
export class PasswordRejectedError extends Error {}
