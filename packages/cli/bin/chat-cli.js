#!/usr/bin/env node
// chat-cli: the terminal client, run from its TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
