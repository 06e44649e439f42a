/** Exit codes scripts can rely on (documented in the README). */
export const EXIT = {
  ok: 0,
  /** An unexpected failure (a bug, or the store could not be written). */
  failure: 1,
  /** Bad usage, input or configuration: fix the command, file or environment. */
  usage: 2,
  /**
   * The run finished, but its results are incomplete or unusable: some cases errored, no case was
   * played, or most scores are unparsed or errored (the last two with a warning on stderr).
   */
  erroredCases: 3,
  /** The run finished, but a CI gate rule (`--fail-on`, `thresholds:`) was crossed. */
  thresholdCrossed: 4,
  /** Another live command is playing the same run (it is named); rerun with --wait to wait for it. */
  runBusy: 5,
  /** Interrupted (Ctrl-C / SIGTERM); rerun the same command to resume. */
  interrupted: 130,
} as const;
