import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../store/testing.js';
import { storePorts } from '../store/ports.js';
import { makeCore } from './deps.js';
import type { Clock } from './clock.js';
import { COMMAND_RETENTION_MS, runMaintenance } from './maintenance.js';
import { startSession, SESSION_IDLE_MS } from './auth/sessions.js';
import { createUser } from './directory/create-user.js';

for (const dialect of testDialects()) {
  describe(`maintenance on ${dialect.name}`, () => {
    it('deletes idle and expired sessions and keeps live ones', async () => {
      const database = await dialect.open();
      try {
        let now = new Date('2026-03-01T08:00:00.000Z');
        const clock: Clock = { now: () => now };
        const core = makeCore(storePorts(database), clock);
        const kim = await createUser(core, { userPrincipalName: 'kim@example.com', displayName: 'Kim', accountEnabled: true });
        const lee = await createUser(core, { userPrincipalName: 'lee@example.com', displayName: 'Lee', accountEnabled: true });
        await startSession(core, { userId: kim.id, mfa: false });
        now = new Date(now.getTime() + SESSION_IDLE_MS + 1000);
        const live = await startSession(core, { userId: lee.id, mfa: false });
        const report = await runMaintenance(core);
        assert.equal(report.expiredSessions, 1);
        assert.equal((await runMaintenance(core)).expiredSessions, 0, 'a second run finds nothing more');
        assert.ok(await core.sessions.get(live.session.tokenHash), 'the live session is kept');
      } finally {
        await database.close();
      }
    });

    it('expires overdue device commands and prunes old finished ones', async () => {
      const database = await dialect.open();
      try {
        let now = new Date('2026-03-01T08:00:00.000Z');
        const core = makeCore(storePorts(database), { now: () => now });
        const [stale] = await core.commands.enqueue(['enrollment-1'], { requestType: 'DeviceLock', payload: {}, platform: 'apple', expiresAt: new Date(now.getTime() + 60_000) });
        await core.commands.enqueue(['enrollment-1'], { requestType: 'DeviceInformation', payload: {}, platform: 'apple' });
        now = new Date(now.getTime() + 120_000);
        const first = await runMaintenance(core);
        assert.equal(first.expiredCommands, 1);
        assert.equal((await core.commands.results(stale!.uuid))?.state, 'expired');
        now = new Date(now.getTime() + COMMAND_RETENTION_MS + 60_000);
        const later = await runMaintenance(core);
        assert.equal(later.prunedCommands, 1, 'the expired command is pruned; the pending one stays');
        assert.equal(await core.commands.results(stale!.uuid), undefined);
      } finally {
        await database.close();
      }
    });
  });
}
