#!/usr/bin/env node
// The command's entry point is committed, so installing the workspace links it before anything is built;
// the emulator itself is the build output.
import "../dist/bin.js"
