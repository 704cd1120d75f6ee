// The errors a command throws to end with one line on stderr instead of a stack trace (main.ts
// prints them). Anything else is a bug, and main.ts says so (its stack with --debug).

/** The command line is wrong (a missing or bad flag): the message, a pointer to --help, exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * The machine or the configuration is wrong (a port in use, PostgreSQL down, a folder that
 * cannot be written): one line naming the setting and the fix, exit 2. `cause` keeps the
 * original error for --debug.
 */
export class SetupError extends Error {
  override readonly name = "SetupError";
}
