// JavaScript side of the decoder benchmark: the AI SDK's own client parsers on the same bytes
// that `decode_bench.rs` decodes (run by scripts/bench-decoder.sh; node resolves packages from
// crates/core/fixtures/generate/node_modules).
//   v4: ai@4 `processDataStream` (what useChat runs for the data stream protocol)
//   v5: ai@5 `parseJsonEventStream` + `uiMessageChunkSchema` (what DefaultChatTransport runs:
//       TextDecoderStream → EventSourceParserStream → JSON parse + schema)
// Same 16 KiB chunks, warm-up, then ITERATIONS timed runs; prints one JSON line per format.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const [dir, itArg, modulesDir] = process.argv.slice(2);
const iterations = Number(itArg || 21);
const require = createRequire(join(modulesDir, 'noop.js'));
const ai4 = require('ai4');
const ai5 = await import(require.resolve('ai5'));
const { parseJsonEventStream } = await import(require.resolve('@ai-sdk/provider-utils'));
const CHUNK = 16 * 1024;

function chunksOf(bytes) {
  const out = [];
  for (let i = 0; i < bytes.length; i += CHUNK) out.push(bytes.subarray(i, i + CHUNK));
  return out;
}
function streamOf(chunks) {
  let i = 0;
  return new ReadableStream({
    pull(c) { if (i < chunks.length) c.enqueue(chunks[i++]); else c.close(); },
  });
}

async function v4(chunks) {
  let events = 0, text = 0;
  const count = () => { events++; };
  await ai4.processDataStream({
    stream: streamOf(chunks),
    onTextPart: t => { events++; text += t.length; },
    onDataPart: count, onErrorPart: count, onMessageAnnotationsPart: count, onToolCallPart: count,
    onToolResultPart: count, onToolCallStreamingStartPart: count, onToolCallDeltaPart: count,
    onFinishMessagePart: count, onFinishStepPart: count, onStartStepPart: count, onReasoningPart: count,
    onSourcePart: count, onFilePart: count,
  });
  return { events, text };
}

async function v5(chunks) {
  let events = 0, text = 0;
  const reader = parseJsonEventStream({ stream: streamOf(chunks), schema: ai5.uiMessageChunkSchema }).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!value.success) throw new Error('chunk rejected');
    events++;
    if (value.value.type === 'text-delta') text += value.value.delta.length;
  }
  return { events, text };
}

for (const [name, fn] of [['v4', v4], ['v5', v5]]) {
  const bytes = new Uint8Array(readFileSync(join(dir, `bench_${name}.bin`)));
  const chunks = chunksOf(bytes);
  for (let i = 0; i < 5; i++) await fn(chunks);
  const times = [];
  let counts;
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    counts = await fn(chunks);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(JSON.stringify({ side: 'js', format: name, bytes: bytes.length, events: counts.events,
    text_chars: counts.text, median_s: median, mbps: Number((bytes.length / median / 1e6).toFixed(1)) }));
}
