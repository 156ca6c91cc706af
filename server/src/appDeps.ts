// What createApp and every router get: the long-lived parts main.ts builds once. Its own file so that routes
// import it without importing app.ts (which imports them).
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Store } from './store/index.js';
import type { ModelManifest } from './model/manifest.js';
import type { Classifier } from './model/classifier.js';
import type { AerialModels } from './learning/aerialModels.js';
import type { JobEvents } from './jobs/events.js';
import type { SseHub } from './http/sse.js';

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  /** the loaded model's manifest; null when no model could be loaded (frames wait in the queue) */
  model: ModelManifest | null;
  /** the close-up classifier snaps are judged with; null or absent when no model could be loaded (snaps answer 503 model_unavailable) */
  classifier?: Classifier | null;
  events: JobEvents;
  /** open Server-Sent Event streams; main ends them on shutdown */
  sse: SseHub;
  /** the aerial model's versions (retrain, promote); main passes one wired to the frame threads */
  models?: AerialModels;
}
