#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation: an evaluation tick's short-lived statuses die young
// instead of being promoted and collected by slow full GCs (docs/architecture.md).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
