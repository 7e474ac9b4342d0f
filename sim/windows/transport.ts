// The simulated PC reaches a server the way the simulated Apple devices do: real HTTPS, or a
// Fastify instance's in-process inject. One transport for every simulator.
export { httpsTransport, injectTransport, type HttpMethod, type HttpsTransportOptions, type Injectable, type Transport, type TransportResponse } from '../apple/transport.js';
