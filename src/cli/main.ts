import { processIo } from './io.js';
import { run } from './program.js';

/**
 * A reader that stops early (`nines graph dir | head -1`) closes the pipe; the rest
 * of the output is not wanted, so that is a quiet end, not a crash.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/** Entry point of the `nines` binary. Keeps the process alive while a server runs. */
export async function main(argv: readonly string[]): Promise<number> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  try {
    const { code, server } = await run(argv, processIo);
    if (server) {
      const stop = () => {
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
    return code;
  } catch (err) {
    process.stderr.write(
      `nines: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 70;
  }
}
