// The dashboard: snapshots arrive over server-sent events (/events) and charts are drawn on plain canvases,
// so the page needs nothing from outside this process.
'use strict';

const HISTORY = 120;
const palette = ['#2f6fdf', '#e0662d', '#2a9d5c', '#b23bb8', '#c9a400', '#6b7785', '#d33f49'];
const series = { throughput: {}, freshness: {}, online: {} };
let previous = null;

function push(chart, name, t, v) {
  const s = (series[chart][name] ??= []);
  s.push([t, v]);
  if (s.length > HISTORY) s.shift();
}

function drawLines(id, chart, unit) {
  const canvas = document.getElementById(id);
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, left = 44, bottom = 18, top = 16;
  ctx.clearRect(0, 0, w, h);
  const all = Object.values(series[chart]).flat().filter(p => Number.isFinite(p[1]));
  canvas.dataset.points = String(all.length);
  if (all.length === 0) return;
  const t0 = Math.min(...all.map(p => p[0])), t1 = Math.max(...all.map(p => p[0]), t0 + 1);
  const vmax = Math.max(...all.map(p => p[1]), chart === 'online' ? 1 : 1e-9) * (chart === 'online' ? 1 : 1.1);
  ctx.strokeStyle = '#dde1e6'; ctx.fillStyle = '#6b7785'; ctx.font = '10px sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = top + (h - top - bottom) * i / 4;
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w, y); ctx.stroke();
    ctx.fillText(fmt(vmax * (1 - i / 4)) + unit, 2, y + 3);
  }
  let legend = left;
  Object.entries(series[chart]).forEach(([name, points], i) => {
    ctx.strokeStyle = ctx.fillStyle = palette[i % palette.length];
    ctx.beginPath();
    points.filter(p => Number.isFinite(p[1])).forEach(([t, v], j) => {
      const x = left + (w - left) * (t - t0) / (t1 - t0), y = top + (h - top - bottom) * (1 - v / vmax);
      j === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y);
    });
    ctx.stroke();
    ctx.fillText(name, legend, 10);
    legend += ctx.measureText(name).width + 14;
  });
}

function drawBars(id, entries) {
  const canvas = document.getElementById(id);
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  canvas.dataset.points = String(entries.filter(e => Number.isFinite(e.p50)).length);
  const max = Math.max(1e-9, ...entries.map(e => e.p99 ?? 0));
  const band = (h - 20) / Math.max(1, entries.length);
  ctx.font = '11px sans-serif';
  entries.forEach((e, i) => {
    const y = 10 + i * band;
    ctx.fillStyle = '#1d232b'; ctx.fillText(e.name, 2, y + band / 2 + 4);
    if (!Number.isFinite(e.p50)) return;
    ctx.fillStyle = '#b9cdf3'; ctx.fillRect(80, y + 4, (w - 200) * (e.p99 / max), band - 8);
    ctx.fillStyle = '#2f6fdf'; ctx.fillRect(80, y + 4, (w - 200) * (e.p50 / max), band - 8);
    ctx.fillStyle = '#1d232b'; ctx.fillText(`${fmt(e.p50)} / ${fmt(e.p99)} ms`, w - 112, y + band / 2 + 4);
  });
}

function fmt(v) {
  if (!Number.isFinite(v)) return '–';
  if (v >= 1000) return (v / 1000).toFixed(1) + 'k';
  if (v >= 10) return v.toFixed(0);
  return v.toFixed(v >= 1 ? 1 : 3);
}

function table(id, rows) {
  document.querySelector(`#${id} tbody`).innerHTML =
    rows.length === 0 ? '<tr><td>none</td></tr>' : rows.map(([k, v]) => `<tr><td class="name">${esc(k)}</td><td>${esc(String(v))}</td></tr>`).join('');
}

function esc(s) { return s.replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]); }

function onSnapshot(s) {
  const t = s.at / 1000;
  if (previous && s.at > previous.at) {
    const dt = (s.at - previous.at) / 1000;
    for (const [kind, n] of Object.entries(s.events_by_kind)) push('throughput', kind, t, (n - (previous.events_by_kind[kind] ?? 0)) / dt);
    push('throughput', 'deltas', t, (s.deltas_out - previous.deltas_out) / dt);
  }
  previous = s;
  const fresh = s.histograms['streamrec.delta.freshness'].window;
  if (fresh.count > 0) { push('freshness', 'p50', t, fresh.p50_ms); push('freshness', 'p99', t, fresh.p99_ms); }
  const online = s.online_evaluation;
  if (online && online.window_cases > 0) {
    push('online', 'held lists H@10', t, online.model.h10);
    push('online', 'popularity H@10', t, online.popularity.h10);
    document.getElementById('online-detail').textContent =
      `window ${online.window_cases} entries: H@1 ${online.model.h1.toFixed(3)} vs ${online.popularity.h1.toFixed(3)}, ` +
      `NDCG@10 ${online.model.ndcg10.toFixed(3)} vs ${online.popularity.ndcg10.toFixed(3)}, ` +
      `H@10 new streamer ${online.model.h10_new.toFixed(3)} vs ${online.popularity.h10_new.toFixed(3)}, ` +
      `repeat ${online.model.h10_rep.toFixed(3)} vs ${online.popularity.h10_rep.toFixed(3)}; ${online.cases} entries in all`;
  }
  drawLines('throughput', 'throughput', '');
  drawLines('freshness', 'freshness', '');
  drawLines('online', 'online', '');
  drawBars('steps', Object.entries(s.step_durations).map(([name, h]) => ({ name, p50: h.window.p50_ms ?? NaN, p99: h.window.p99_ms ?? NaN })));
  table('lag', Object.entries(s.consumer_lag));
  table('dead', Object.entries(s.dead_lettered_by_reason));
  document.getElementById('model').textContent = s.model_version ?? 'baseline';
  document.getElementById('rooms').textContent = s.live_rooms;
  document.getElementById('users').textContent = s.active_users;
  document.getElementById('clock').textContent = s.event_time > 0 ? new Date(s.event_time).toISOString().slice(11, 19) : '–';
}

async function showUser(id) {
  const status = document.getElementById('user-status');
  status.textContent = 'asking…';
  const response = await fetch(`/api/users/${encodeURIComponent(id)}`);
  if (!response.headers.get('content-type')?.includes('json')) { status.textContent = `error ${response.status}`; return; }
  const view = await response.json();
  const rooms = view.explanation?.rooms ?? [];
  status.textContent = response.ok ? `${rooms.length} rooms, ranked at ${view.explanation ? new Date(view.explanation.ranked_at).toISOString().slice(11, 19) : '–'}` : 'no state for this user';
  const names = rooms.length > 0 ? Object.keys(rooms[0].features) : [];
  // The why of each room from the newest delta that explained it (Pipeline:Explain; a room_stop promotion explains
  // nothing, it re-scores nothing); no column when explanations are off.
  const why = new Map();
  [...view.recent_deltas].sort((a, b) => a.seq - b.seq).forEach(d => d.top.filter(t => t.why).forEach(t => why.set(t.room_id, t.why)));
  const reasons = r => (why.get(r.room_id) ?? []).map(c =>
    `${esc(c.feature)} ${c.contribution >= 0 ? '+' : ''}${c.contribution.toFixed(3)} (${c.value.toFixed(3)})`).join(', ');
  document.querySelector('#user-top thead').innerHTML =
    `<tr><th>#</th><th>room</th><th>streamer</th><th>score</th>${why.size > 0 ? '<th>why (contribution, value)</th>' : ''}` +
    `${names.map(n => `<th>${esc(n)}</th>`).join('')}</tr>`;
  document.querySelector('#user-top tbody').innerHTML = rooms.map(r =>
    `<tr><td>${r.rank}</td><td class="name">${esc(r.room_id)}${r.live ? '' : ' (offline)'}</td><td class="name">${esc(r.streamer_id ?? '')}</td>` +
    `<td>${r.score.toFixed(4)}</td>${why.size > 0 ? `<td class="name" data-testid="user-why">${reasons(r)}</td>` : ''}` +
    `${names.map(n => `<td>${(r.features[n] ?? NaN).toFixed(3)}</td>`).join('')}</tr>`).join('');
  document.getElementById('user-deltas').innerHTML = view.recent_deltas.map(d =>
    `<li>seq ${d.seq} @ ${new Date(d.ts).toISOString().slice(11, 19)}: +[${d.added.map(esc).join(', ')}] −[${d.removed.map(esc).join(', ')}]</li>`).join('');
}

document.getElementById('user-form').addEventListener('submit', e => {
  e.preventDefault();
  const id = document.getElementById('user-id').value.trim();
  if (id) showUser(id);
});

fetch('/api/users').then(r => r.json()).then(s => {
  const input = document.getElementById('user-id');
  if (s.user_id && !input.value) input.placeholder = `user id, e.g. ${s.user_id}`;
});

const events = new EventSource('/events');
events.addEventListener('snapshot', e => {
  document.getElementById('status').textContent = 'live';
  onSnapshot(JSON.parse(e.data));
});
events.onerror = () => { document.getElementById('status').textContent = 'reconnecting…'; };
