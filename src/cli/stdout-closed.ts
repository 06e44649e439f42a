let closed = false;
let watching = false;

/**
 * Treats a reader that stops reading stdout (`turnsafe export ... | head`) as the end of the
 * output rather than a failure: EPIPE on stdout (thrown by a write to a pipe, which is synchronous,
 * or emitted later) is noted quietly, further output is dropped, and commands that stream rows ask
 * {@link stdoutClosed} to stop early. Any other stdout error is reported on stderr as a failure.
 */
export function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    closed = true;
    if (isClosedPipe(error)) return;
    process.stderr.write(`turnsafe: cannot write to stdout: ${error.message}\n`);
    process.exitCode = 1;
  });
}

/**
 * Writes to stdout; returns false when the caller should wait for "drain". Once the reader is gone
 * the text is dropped.
 */
export function writeStdout(text: string): boolean {
  if (stdoutClosed()) return true;
  try {
    return process.stdout.write(text);
  } catch (error) {
    if (!isClosedPipe(error)) throw error;
    closed = true;
    return true;
  }
}

/** Waits until stdout takes more (drain), or its reader is gone (close or error: never rejects). */
export function stdoutReady(): Promise<void> {
  if (stdoutClosed()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ["drain", "close", "error"]) process.stdout.off(event, done);
      resolve();
    };
    for (const event of ["drain", "close", "error"]) process.stdout.once(event, done);
  });
}

/** Whether stdout's reader has gone (further output would be lost). */
export function stdoutClosed(): boolean {
  return closed || process.stdout.destroyed;
}

function isClosedPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
}

/**
 * Waits until everything written to stdout and stderr has reached the OS. Writes to a pipe are
 * asynchronous here (Node 24 on Linux), and the bin script exits with process.exit, which would
 * drop what is still queued: the last rows of a large `turnsafe export` read slowly, for one.
 */
export async function outputFlushed(): Promise<void> {
  await Promise.all([process.stdout, process.stderr].map(flushed));
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve();
  // An empty write's callback runs once everything queued before it has been handed to the OS
  // ("drain" fires only after a write was refused, so it cannot be waited for here).
  return new Promise((resolve) => stream.write("", () => resolve()));
}
