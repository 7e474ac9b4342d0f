// Assignment targeting moved to core/assignments/targets.ts (configuration profiles share it).
export * from '../assignments/targets.js';
