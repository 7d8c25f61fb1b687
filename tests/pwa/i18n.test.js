// The field app's two catalogues have the same keys, every literal key the screens use is
// in them, and placeholders match between the languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import en from '../../pwa/src/app/messages/en.js';
import zh from '../../pwa/src/app/messages/zh-CN.js';

const APP = new URL('../../pwa/src/app/', import.meta.url).pathname;

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'messages' ? [] : sources(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

const placeholders = (message) => {
  const texts = typeof message === 'string' ? [message] : Object.values(message);
  return [...new Set(texts.flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();
};

test('English and Chinese have the same keys', () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
});

test('placeholders match between the languages', () => {
  for (const key of Object.keys(en)) {
    assert.deepEqual(placeholders(zh[key]), placeholders(en[key]), key);
  }
});

test('every literal message key used by the screens exists', () => {
  const missing = [];
  for (const file of sources(APP)) {
    const text = readFileSync(file, 'utf8');
    for (const [, key] of text.matchAll(/\bt\(\s*'([a-z_.0-9-]+)'/g)) {
      if (!(key in en)) missing.push(`${file.slice(APP.length)}: ${key}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('dynamic keys for statuses, steps, priorities, ratings and roles exist', () => {
  const dynamic = [
    ...['reported', 'dispatched', 'accepted_by_team', 'accepted', 'in_progress', 'on_hold', 'completed',
      'confirmed', 'closed', 'cancelled'].map((s) => `status.${s}`),
    ...['reported', 'dispatched', 'accepted', 'in_progress', 'completed', 'confirmed', 'closed'].map((s) => `step.${s}`),
    ...['done', 'current', 'todo'].map((s) => `step.state_${s}`),
    ...[1, 2, 3, 4, 5].flatMap((n) => [`priority.${n}`, `priority.${n}.hint`, `rate.score.${n}`]),
    ...['response', 'resolution'].flatMap((k) => [`sla.${k}_left`, `sla.${k}_overdue`]),
    ...['requester', 'desk', 'team_lead', 'technician', 'storekeeper', 'guard', 'cleaner', 'supervisor',
      'contractor_manager', 'admin'].map((r) => `role.${r}`),
    ...['corrective', 'preventive', 'inspection'].map((k) => `kind.${k}`),
  ];
  assert.deepEqual(dynamic.filter((key) => !(key in en)), []);
});
