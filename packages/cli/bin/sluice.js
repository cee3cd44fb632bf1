#!/usr/bin/env node
// The entry point npm links as `sluice`; the CLI itself is TypeScript, run by Node 24's type stripping.
import process from 'node:process';
import { main } from '../src/main.ts';

process.exitCode = await main(process.argv.slice(2));
