#!/usr/bin/env node
// stdin: a JSON array of strings; stdout: a JSON array of token-id arrays. It imports the
// browser's own tokenizer module, so the Python tests compare Hugging Face with exactly
// what the page runs.
//
//   echo '["Hello world", "안녕"]' | node web/tools/encode.mjs

import { encodeText } from '../src/tokenizer.js';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const texts = JSON.parse(Buffer.concat(chunks).toString('utf8'));
if (!Array.isArray(texts) || !texts.every((s) => typeof s === 'string')) {
  console.error('encode.mjs: expected a JSON array of strings on stdin');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(texts.map(encodeText))}\n`);
