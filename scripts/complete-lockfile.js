#!/usr/bin/env node
/**
 * Completes package-lock.json with the platform-specific optional packages the registry mirror we install from
 * does not serve (e.g. @swc/core-darwin-arm64): `npm install` silently leaves them out of the lock, and `npm ci`
 * then refuses the lock as out of sync. Each missing entry is added as npm itself would write it for a full
 * registry — version, `optional`, and the `os`/`cpu` that make npm skip it on other platforms — so `npm ci` works
 * here and elsewhere. Run after any dependency change: `npm install && node scripts/complete-lockfile.js`.
 */
const fs = require('fs');
const path = require('path');

const file = path.resolve(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'netbsd', 'openbsd', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = OS.find((o) => parts.includes(o));
  // 'arm64' before 'arm': check the longer names first.
  const cpu = [...CPU].sort((a, b) => b.length - a.length).find((c) => parts.includes(c));
  const libc = parts.some((p) => p.startsWith('musl')) ? 'musl' : parts.some((p) => p.startsWith('gnu')) ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies || {})) {
    const hoisted = `node_modules/${dep}`;
    const nested = `${location ? location + '/' : ''}node_modules/${dep}`;
    if (packages[hoisted] || packages[nested]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os || !cpu) continue; // not a platform package: leave it to npm
    packages[hoisted] = {
      version: String(version).replace(/^[\^~=]/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(libc && os === 'linux' ? { libc: [libc] } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} platform entries`);
