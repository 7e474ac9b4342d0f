// Simulated Apple devices from the command line, for demos:
//   npx tsx sim/apple/cli.ts --enrollment-url https://localhost:8443/… --ca data/ca.pem \
//     [--kind iPhone|iPad|Mac] [--count N] [--connect-every SECONDS] [--supervised]
// Enrolls the devices, then (with --connect-every) connects them all every S seconds, as if
// Steward had pushed to them, printing one line per round. Ctrl-C stops.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { connectRound, enrollFleet } from './fleet.js';
import type { DeviceKind } from './hardware.js';
import { httpsTransport } from './transport.js';

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};

const program = new Command('sim-apple')
  .description('Simulated iPhones, iPads and Macs speaking Apple\'s MDM protocol')
  .requiredOption('--enrollment-url <url>', 'URL of the enrollment profile (.mobileconfig)')
  .requiredOption('--ca <file>', 'PEM of the CA to trust (TLS and the profile signature)')
  .addOption(new Option('--kind <kind>', 'device kind').choices(['iPhone', 'iPad', 'Mac']).default('iPhone'))
  .option('--count <n>', 'how many devices', positive('--count'), 1)
  .option('--concurrency <n>', 'enrollments or sessions in flight at once', positive('--concurrency'), 16)
  .option('--connect-every <seconds>', 'connect every device every S seconds', positive('--connect-every'))
  .option('--supervised', 'simulate supervised devices', false)
  .parse();

const o = program.opts<{ enrollmentUrl: string; ca: string; kind: DeviceKind; count: number; concurrency: number; connectEvery?: number; supervised: boolean }>();
const ca = readFileSync(o.ca, 'utf8');
const transport = httpsTransport({ ca, maxSockets: o.concurrency });

const enrolled = await enrollFleet({
  count: Math.floor(o.count), kind: o.kind, transport, enrollmentUrl: o.enrollmentUrl, trust: ca,
  concurrency: Math.floor(o.concurrency), device: { supervised: o.supervised },
});
console.log(JSON.stringify({ event: 'enrolled', devices: enrolled.devices.length, failed: enrolled.failures.length, perSecond: round(enrolled.perSecond), latency: enrolled.latency }));
for (const f of enrolled.failures.slice(0, 5)) console.error(`device ${f.index}: ${f.error.message}`);
for (const d of enrolled.devices.slice(0, 10)) console.log(JSON.stringify({ event: 'device', kind: d.state.hardware.kind, udid: d.udid, serialNumber: d.serialNumber }));

if (o.connectEvery === undefined || enrolled.devices.length === 0) {
  transport.close?.();
} else {
  let stopping = false;
  process.on('SIGINT', () => { stopping = true; });
  for (let n = 1; !stopping; n++) {
    const started = Date.now();
    const r = await connectRound(enrolled.devices, { concurrency: Math.floor(o.concurrency) });
    console.log(JSON.stringify({ event: 'round', round: n, sessions: r.sessions, failures: r.failures, ends: r.ends, commands: r.commands, requestsPerSecond: round(r.requestsPerSecond), latency: r.latency }));
    const wait = o.connectEvery * 1000 - (Date.now() - started);
    if (wait > 0 && !stopping) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  transport.close?.();
}

function round(x: number): number { return Math.round(x * 100) / 100; }
