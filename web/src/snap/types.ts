// Shapes of the snap page's API: the server's typed contract (server/src/domain/contract.ts), imported as types only.
export type {
  LocationSource,
  NamedScore as SnapLookalike,
  SentPosition,
  SnapAnswer,
  Verdict,
} from '../../../server/src/domain/contract.js';
