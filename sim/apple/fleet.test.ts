// A small fleet against the simulator's own fake server: concurrent enrollment, connect rounds,
// and the counts and latency summary a benchmark reads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectRound, enrollFleet, mapLimit, runConnectRounds, summarize } from './fleet.js';
import { FakeMdmServer } from './testing/fake-mdm-server.js';
import { injectTransport } from './transport.js';

describe('fleet', () => {
  let server: FakeMdmServer;
  before(async () => { server = await FakeMdmServer.create(); });
  after(async () => { await server.app.close(); });

  it('enrolls a mixed fleet concurrently and runs connect rounds over it', async () => {
    const kinds = ['iPhone', 'iPad', 'Mac'] as const;
    const fleet = await enrollFleet({
      count: 6, concurrency: 3, transport: injectTransport(server.app), trust: server.ca.certificatePem,
      kind: (i) => kinds[i % 3] ?? 'iPhone', enrollmentUrl: 'https://localhost/enroll',
    });
    assert.deepEqual(fleet.failures, []);
    assert.equal(fleet.devices.length, 6);
    assert.equal(fleet.latency.count, 6);
    assert.equal(new Set(fleet.devices.map((d) => d.udid)).size, 6);
    assert.deepEqual(fleet.devices.map((d) => d.state.hardware.kind).sort(), ['Mac', 'Mac', 'iPad', 'iPad', 'iPhone', 'iPhone']);

    for (const d of fleet.devices) server.queue(d.udid, 'SecurityInfo', {});
    const round = await connectRound(fleet.devices, { concurrency: 4 });
    assert.equal(round.sessions, 6);
    assert.deepEqual(round.ends, { idle: 6 });
    assert.deepEqual(round.commands, { Acknowledged: 6 });
    assert.equal(round.latency.count, 12);

    const rounds = await runConnectRounds(fleet.devices, { rounds: 2 });
    assert.deepEqual(rounds.map((r) => r.latency.count), [6, 6]);
  });

  it('reports failed enrollments without stopping the others', async () => {
    const fleet = await enrollFleet({
      count: 3, transport: injectTransport(server.app), trust: server.ca.certificatePem, kind: 'iPhone',
      enrollmentUrl: (i) => (i === 1 ? 'https://localhost/nowhere' : 'https://localhost/enroll'),
    });
    assert.equal(fleet.devices.length, 2);
    assert.deepEqual(fleet.failures.map((f) => f.index), [1]);
    assert.match(fleet.failures[0]?.error.message ?? '', /404/);
  });

  it('summarizes latencies with nearest-rank percentiles and limits concurrency', async () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    assert.deepEqual([s.minMs, s.p50Ms, s.p90Ms, s.p99Ms, s.maxMs, s.meanMs], [1, 50, 90, 99, 100, 50.5]);
    let inFlight = 0, most = 0;
    await mapLimit(Array.from({ length: 20 }, (_, i) => i), 4, async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
    });
    assert.equal(most, 4);
  });
});
