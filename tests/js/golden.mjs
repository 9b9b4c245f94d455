// The golden manifest (tests/js/fixtures/golden-manifest.json): what the Python build writes
// for a tiny seeded random GPT-2 (tests/test_manifest_golden.py regenerates it). The JS tests
// read it instead of hand-written manifests, so they run on the manifest the build really writes.
import { readFileSync } from 'node:fs';
import { parseManifest } from '../../web/src/manifest.js';
import { forLanguage } from '../../web/src/lang-examples.js';

const GOLDEN = JSON.parse(readFileSync(new URL('./fixtures/golden-manifest.json', import.meta.url), 'utf8'));

export const MANIFEST_URL = `http://127.0.0.1/model/${GOLDEN.id}/manifest.json`;

// A deep copy of the JSON as written: a test may change it (a broken manifest) without
// touching the others'.
export const goldenJson = () => structuredClone(GOLDEN);

// The manifest as main.js hands it to the app: parsed, then for the page's language.
export const goldenManifest = (lang = 'en', json = goldenJson()) =>
  forLanguage(parseManifest(json, MANIFEST_URL), lang);
