import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'packages/web/dist');
export const ARTIFACTS = join(ROOT, 'e2e/artifacts');
