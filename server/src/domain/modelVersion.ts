/** The model version string stored on frames, detections and sites and shown to people: `<name>-<version>`. */
export const modelVersionOf = (m: { name: string; version: string }): string => `${m.name}-${m.version}`;
