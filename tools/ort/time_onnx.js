#!/usr/bin/env node
// Latency of one ONNX file in ONNX Runtime (onnxruntime-node, CPU), measured
// as kplab bench measures its runtimes: warm-up runs, then timed repeats of
// session.run on one fixed input, reported as median / p90 / p99 / mean /
// min / max in milliseconds. A comparison point for kplab's own runtimes
// (tools/bench_runtimes.sh), never a dependency of kplab itself.
//
//   node time_onnx.js MODEL.onnx THREADS WARMUP REPEATS
// Prints one JSON object on stdout; exit 1 with one message otherwise.
'use strict';

function fail(msg) {
  process.stderr.write(`time_onnx.js: ${msg}\n`);
  process.exit(1);
}

function quantile(sorted, q) {
  const pos = q * (sorted.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

async function main() {
  const [modelPath, threadsArg, warmupArg, repeatsArg] = process.argv.slice(2);
  const threads = Number(threadsArg), warmup = Number(warmupArg), repeats = Number(repeatsArg);
  if (!modelPath || !(threads >= 1) || !(warmup >= 0) || !(repeats >= 1))
    fail('usage: time_onnx.js MODEL.onnx THREADS WARMUP REPEATS (threads >= 1, warmup >= 0, repeats >= 1)');
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    fail(`cannot load onnxruntime-node (run tools/ort/install.sh): ${e.message}`);
  }
  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
  } catch (e) {
    fail(`${modelPath}: cannot create a session: ${e.message}`);
  }
  const name = session.inputNames[0];
  const meta = session.inputMetadata ? session.inputMetadata[0] : null;
  const shape = meta && meta.shape ? meta.shape : null;
  if (!shape || shape.some((d) => !(Number.isInteger(d) && d > 0)))
    fail(`${modelPath}: expected a static input shape, found ${JSON.stringify(shape)}`);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; ++i) data[i] = ((i * 2654435761) % 1000) / 1000;  // fixed, image-like values in [0, 1)
  const feeds = { [name]: new ort.Tensor('float32', data, shape) };
  for (let i = 0; i < warmup; ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < repeats; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  process.stdout.write(JSON.stringify({
    runtime: 'onnxruntime', version: ort.env && ort.env.versions ? ort.env.versions.common : 'unknown',
    model: modelPath, input_shape: shape, threads, warmup, repeats,
    median_ms: quantile(sorted, 0.5), p90_ms: quantile(sorted, 0.9), p99_ms: quantile(sorted, 0.99),
    mean_ms: mean, min_ms: sorted[0], max_ms: sorted[sorted.length - 1],
  }) + '\n');
}

main().catch((e) => fail(e.message));
