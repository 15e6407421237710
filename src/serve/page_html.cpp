#include "serve/page_html.h"

namespace kplab {

namespace {

// Data from the server reaches the page through textContent only, never as
// HTML: a file name or a note cannot inject markup.
const char* const kPage = R"PAGE(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kplab posture check</title>
<style>
 body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
 header{background:#1d2330;color:#fff;padding:14px 24px}
 header h1{font-size:20px;margin:0} header p{margin:4px 0 0;color:#b8c0d0;font-size:13px}
 main{max-width:1000px;margin:0 auto;padding:18px 24px}
 .card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:16px;margin-bottom:16px}
 label.pick{display:inline-block;background:#2f6fde;color:#fff;padding:9px 16px;border-radius:6px;cursor:pointer;font-weight:600}
 input[type=file]{position:absolute;left:-9999px}
 #status{margin-left:12px;color:#4a5366} progress{width:100%;height:10px;margin-top:10px}
 #error{background:#fde8e8;color:#9b1c1c;border-radius:6px;padding:10px 12px;margin-top:10px}
 .grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px}
 #overlay{max-width:100%;max-height:560px;border-radius:6px;display:block;margin:0 auto}
 .verdict{font-size:22px;font-weight:700;padding:8px 12px;border-radius:6px;display:inline-block}
 .good{background:#def7ec;color:#03543f} .bad{background:#fde8e8;color:#9b1c1c} .none{background:#eef0f4;color:#4a5366}
 table{border-collapse:collapse;width:100%;font-size:14px} td{padding:4px 6px;border-bottom:1px solid #eef0f4}
 td.v{text-align:right;font-variant-numeric:tabular-nums} tr.flag td{color:#9b1c1c;font-weight:600}
 h2{font-size:15px;margin:14px 0 6px} .small{font-size:13px;color:#4a5366} ul{margin:4px 0;padding-left:20px;font-size:14px}
 #downloads a{display:inline-block;margin:4px 8px 0 0;padding:6px 10px;border:1px solid #2f6fde;border-radius:6px;color:#2f6fde;text-decoration:none;font-size:14px}
 [hidden]{display:none!important}
 @media (max-width:760px){.grid{grid-template-columns:1fr}}
</style></head><body>
<header><h1>kplab posture check</h1><p>Upload a photo or a video of one person: the skeleton, the posture measures and the verdict. Everything stays on this computer.</p></header>
<main>
<div class="card">
 <label class="pick" for="file">Choose a photo or video</label>
 <input id="file" type="file" accept="image/jpeg,image/png,image/bmp,video/*">
 <span id="status">JPEG, PNG or BMP photos; AVI, MP4, MOV, MKV or WebM videos.</span>
 <progress id="progress" max="1" value="0" hidden></progress>
 <div id="error" hidden></div>
</div>
<div id="result" class="grid" hidden>
 <div class="card"><img id="overlay" alt="skeleton overlay"><p id="still-note" class="small" hidden></p></div>
 <div class="card">
  <div id="verdict" class="verdict none"></div><p id="verdict-detail" class="small"></p>
  <h2>Measures</h2><table id="measures"></table><p id="unmeasured" class="small"></p>
  <h2>Notes</h2><ul id="notes"></ul><p id="reasons" class="small"></p>
  <h2>Downloads</h2><div id="downloads"></div><p id="timing" class="small"></p>
 </div>
</div>
</main>
<script>
const $ = id => document.getElementById(id);
function show(el, on) { el.hidden = !on; }
function fail(text) { $('error').textContent = text; show($('error'), true); show($('progress'), false); $('status').textContent = ''; }
function pretty(name) { return name.replace(/_deg$/, ' (degrees)').replace(/_angle$/, ' angle').replace(/_/g, ' '); }
function add(parent, tag, text, cls) { const e = document.createElement(tag); e.textContent = text; if (cls) e.className = cls; parent.appendChild(e); return e; }

$('file').addEventListener('change', () => { const f = $('file').files[0]; if (f) upload(f); });

function upload(file) {
  show($('error'), false); show($('result'), false);
  const form = new FormData(); form.append('file', file, file.name);
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/jobs');
  xhr.upload.onprogress = e => { if (e.lengthComputable) { show($('progress'), true); $('progress').value = e.loaded / e.total; } };
  xhr.onload = () => {
    let body = {}; try { body = JSON.parse(xhr.responseText); } catch (e) {}
    if (xhr.status !== 202) return fail(body.error || ('The server answered ' + xhr.status + '.'));
    $('status').textContent = 'Working on ' + file.name + '…';
    poll(body.id);
  };
  xhr.onerror = () => fail('The server could not be reached. Is kplab serve still running?');
  $('status').textContent = 'Uploading ' + file.name + '…';
  xhr.send(form);
}

async function poll(id) {
  let s;
  try { const r = await fetch('/api/jobs/' + id); s = await r.json(); if (!r.ok) return fail(s.error); }
  catch (e) { return fail('The server could not be reached. Is kplab serve still running?'); }
  if (s.state === 'failed') return fail(s.error);
  if (s.state === 'done') return render(id, s.result);
  show($('progress'), true);
  if (s.frames_total > 0) { $('progress').value = s.frames_done / s.frames_total; $('status').textContent = 'Frame ' + s.frames_done + ' of ' + s.frames_total + '…'; }
  else if (s.state === 'queued') { $('progress').removeAttribute('value'); $('status').textContent = 'Waiting for the uploads before it…'; }
  else { $('progress').removeAttribute('value'); }
  setTimeout(() => poll(id), 400);
}

function render(id, r) {
  const base = '/api/jobs/' + id + '/files/';
  show($('progress'), false);
  $('status').textContent = r.name + ': done.';
  $('overlay').src = base + 'overlay.jpg';
  show($('still-note'), r.kind === 'video');
  if (r.kind === 'video') $('still-note').textContent = 'Frame ' + r.still_frame + ' of ' + r.frames + ' (the middle one). The overlay video is MJPG in AVI, which browsers cannot play inline: download it below. Repetitions counted: ' + r.reps.count + '.';
  const p = r.people[0] || {measures: []};
  const v = $('verdict');
  if (p.verdict) { v.textContent = 'Posture: ' + p.verdict; v.className = 'verdict ' + (p.verdict === 'good' ? 'good' : 'bad'); $('verdict-detail').textContent = 'The classifier gives ' + Number(p.verdict_probability).toFixed(2) + ' as the probability of its positive class (bad).'; }
  else { v.textContent = r.people.length ? 'Measures only' : 'No person found'; v.className = 'verdict none'; $('verdict-detail').textContent = r.people.length ? 'No verdict: the server runs without a classifier (kplab serve --classifier).' : ''; }
  const flags = (p.posture_flags || '').split(';').filter(x => x);
  const table = $('measures'); table.textContent = '';
  const unmeasured = [];
  for (const m of p.measures) {
    if (m.value === '') { unmeasured.push(pretty(m.name)); continue; }
    const tr = add(table, 'tr', '', flags.includes(m.name) ? 'flag' : '');
    add(tr, 'td', pretty(m.name)); add(tr, 'td', Number(m.value).toFixed(1), 'v');
  }
  $('unmeasured').textContent = unmeasured.length ? 'Not measurable here (joints hidden or too faint): ' + unmeasured.join(', ') + '.' : '';
  if (p.rula_sum !== undefined) { const tr = add(table, 'tr', ''); add(tr, 'td', 'RULA items sum'); add(tr, 'td', p.rula_sum || 'n/a', 'v'); }
  const notes = $('notes'); notes.textContent = '';
  const sentences = (p.posture_notes || '').split(/;\s+/).filter(x => x);
  if (!sentences.length) add(notes, 'li', 'No measure past its threshold.');
  for (const n of sentences) add(notes, 'li', n);
  $('reasons').textContent = p.verdict_reasons ? 'Why: ' + p.verdict_reasons.split('; ').join(' · ') : '';
  const dl = $('downloads'); dl.textContent = '';
  const labels = {'overlay.jpg': r.kind === 'video' ? 'Still (JPEG)' : 'Overlay (JPEG)', 'overlay.avi': 'Overlay video (AVI)', 'keypoints.csv': 'Keypoints (CSV)', 'result.json': 'Result (JSON)'};
  for (const f of r.files) { const a = add(dl, 'a', labels[f] || f); a.href = base + f; a.download = 'kplab_' + f; }
  $('timing').textContent = r.frames + (r.kind === 'video' ? ' frames' : ' photo') + ', model input ' + r.input_size + ' px, ' + Number(r.forward_ms_mean).toFixed(1) + ' ms a forward pass. Files are deleted from the server after a while.';
  show($('result'), true);
}
</script></body></html>
)PAGE";

}  // namespace

const std::string& page_html() {
  static const std::string page = kPage;
  return page;
}

}  // namespace kplab
