import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENV_VARS } from './config.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const text = existsSync(README) ? readFileSync(README, 'utf8') : '';
const hasConfigurationSection = /^#{1,6}\s+Configuration\b/im.test(text);

describe('README.md configuration table', () => {
  it('documents every environment variable ottr reads', (ctx) => {
    ctx.skip(!hasConfigurationSection, 'README.md has no "Configuration" heading yet: the env var table is checked once it does');
    const missing = ENV_VARS.filter((v) => !new RegExp(`\\b${v.name}\\b`).test(text)).map((v) => v.name);
    expect(missing, 'add these to the Configuration table in README.md').toEqual([]);
  });
});
