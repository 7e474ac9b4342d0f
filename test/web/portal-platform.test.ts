// The portal's guess of the device it is open on (web/src/portal/platform.ts), from real user agents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, detectPlatform } from '../../web/src/portal/platform.js';

describe('portal platform detection', () => {
  it('tells iPhones, iPads (also asking for desktop pages), Macs, Windows PCs and Android devices apart', () => {
    assert.equal(detectPlatform('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'), 'iOS');
    assert.equal(detectPlatform('Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1'), 'iOS');
    const desktopSafari = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';
    assert.equal(detectPlatform(desktopSafari, 5), 'iOS', 'iPadOS Safari asks for desktop pages as a Mac, with a touch screen');
    assert.equal(detectPlatform(desktopSafari, 0), 'macOS');
    assert.equal(detectPlatform('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0'), 'windows');
    assert.equal(detectPlatform('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36'), 'android');
    assert.equal(detectPlatform('Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0'), 'other');
  });

  it('offers lock on Apple devices and passcode reset on iPhones and iPads only', () => {
    assert.deepEqual(actionsFor('iPadOS'), { remoteLock: true, resetPasscode: true });
    assert.deepEqual(actionsFor('macOS'), { remoteLock: true, resetPasscode: false });
    assert.deepEqual(actionsFor('Windows'), { remoteLock: false, resetPasscode: false });
  });
});
