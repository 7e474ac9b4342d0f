// The assign action's body: core/assignments/decode.ts (configuration profiles share it).
export { decodeAssignBody } from '../assignments/decode.js';
