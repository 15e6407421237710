#!/usr/bin/env node
// kplab's independent ONNX reference runtime: runs one ONNX file in ONNX
// Runtime (npm package onnxruntime-node, CPU) on one float32 input and writes
// the requested outputs back. Used by tests (src/export/runtimes.cpp) as an
// oracle beside OpenCV DNN; never a build dependency.
//
// Install (once, in tools/ort): ./install.sh
//   which runs: ONNXRUNTIME_NODE_INSTALL=skip npm install --no-package-lock
//   (the package's post-install step would download from outside; skipping
//   it keeps the CPU library that ships inside the package.)
//
// Protocol:
//   node run_onnx.js MODEL.onnx INPUT.bin D0,D1,...,Dk OUT_DIR [NAME ...]
// INPUT.bin is raw little-endian float32 in row-major order with the given
// shape; it feeds the model's first graph input. NAMEs are the outputs to
// fetch (all graph outputs when none are given). For output i the script
// writes OUT_DIR/out_i.bin (raw little-endian float32) and finally
// OUT_DIR/outputs.json: [{"name":..., "shape":[...], "file":"out_i.bin"}].
// Exit code 0 on success; 1 with one message on stderr otherwise.
'use strict';

const fs = require('fs');
const path = require('path');

function fail(msg) {
  process.stderr.write(`run_onnx.js: ${msg}\n`);
  process.exit(1);
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 4) fail('usage: run_onnx.js MODEL.onnx INPUT.bin D0,D1,... OUT_DIR [OUTPUT_NAME ...]');
  const [modelPath, inputPath, shapeArg, outDir, ...names] = args;
  const shape = shapeArg.split(',').map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v <= 0) fail(`bad shape '${shapeArg}': expected positive integers separated by commas`);
    return v;
  });
  const count = shape.reduce((a, b) => a * b, 1);

  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    fail(`cannot load onnxruntime-node (run tools/ort/install.sh): ${e.message}`);
  }

  const bytes = fs.readFileSync(inputPath);
  if (bytes.length !== count * 4) fail(`${inputPath}: expected ${count * 4} bytes for shape [${shape}], found ${bytes.length}`);
  // Copy into an aligned buffer (a Buffer's byteOffset need not be a multiple of 4).
  const data = new Float32Array(count);
  new Uint8Array(data.buffer).set(bytes);

  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled' });
  } catch (e) {
    fail(`${modelPath}: cannot create a session: ${e.message}`);
  }
  const wanted = names.length ? names : session.outputNames;
  for (const n of wanted)
    if (!session.outputNames.includes(n)) fail(`${modelPath}: no graph output named '${n}' (outputs: ${session.outputNames.join(', ')})`);

  const feeds = {};
  feeds[session.inputNames[0]] = new ort.Tensor('float32', data, shape);
  let results;
  try {
    results = await session.run(feeds, wanted);
  } catch (e) {
    fail(`${modelPath}: run failed: ${e.message}`);
  }

  fs.mkdirSync(outDir, { recursive: true });
  const index = [];
  wanted.forEach((n, i) => {
    const t = results[n];
    if (t.type !== 'float32') fail(`output '${n}': expected float32, found ${t.type}`);
    const file = `out_${i}.bin`;
    const d = t.data;
    fs.writeFileSync(path.join(outDir, file), Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    index.push({ name: n, shape: Array.from(t.dims), file });
  });
  fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify(index));
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
