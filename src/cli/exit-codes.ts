/** Exit codes scripts can rely on (documented in the README). */
export const EXIT = {
  ok: 0,
  /** An unexpected failure (a bug, or the store could not be written). */
  failure: 1,
  /** Bad usage, input or configuration: fix the command, file or environment. */
  usage: 2,
  /** The run finished, but some cases errored (see the report). */
  erroredCases: 3,
  /** Another live command is playing the same run (it is named); rerun with --wait to wait for it. */
  runBusy: 4,
  /** Interrupted (Ctrl-C / SIGTERM); rerun the same command to resume. */
  interrupted: 130,
} as const;
