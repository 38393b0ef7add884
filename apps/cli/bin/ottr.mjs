#!/usr/bin/env node
// The `ottr` command. Registers tsx's ESM loader in this process, then runs the TypeScript entry
// point (no build step, no second process: signals reach the server directly).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
// null: a long-running command (serve) owns the process and exits on its own.
if (code !== null) process.exitCode = code;
