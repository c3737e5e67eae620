import { bundle } from '../scripts/bundle.ts';
import { BUILD_DIR, PROGRAMS } from './helpers/process.ts';

/**
 * Bundles, once before the tests, the server and the helpers that tests start as processes:
 * plain node starts a bundle in 0.4 s where tsx spends 1 s compiling the sources, and the
 * suite starts some forty of them.
 */
export default async function setup(): Promise<void> {
  await bundle(PROGRAMS, BUILD_DIR);
}
