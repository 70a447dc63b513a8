import { processIo } from './io.js';
import { run } from './program.js';

/** Entry point of the `nines` binary. Keeps the process alive while a server runs. */
export async function main(argv: readonly string[]): Promise<number> {
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
