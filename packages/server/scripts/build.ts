import { bundle } from './bundle.ts';

/** `npm run build -w @chat/server`: the server as `dist/main.js`, what `npm start` and the `socket-chat` command run. */
const here = (path: string) => new URL(path, import.meta.url).pathname;
await bundle({ main: here('../src/main.ts') }, here('../dist'));
