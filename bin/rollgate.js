#!/usr/bin/env node
// Entry point of the published package: runs the compiled CLI.
import '../dist/cli/main.js';
