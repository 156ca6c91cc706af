// Entry of a frame-processing worker thread: loads the TypeScript worker with tsx's scoped loader, so it runs the
// same under `npm start` (tsx), vitest and plain node.
import { tsImport } from 'tsx/esm/api';

await tsImport('./frameThread.ts', import.meta.url);
