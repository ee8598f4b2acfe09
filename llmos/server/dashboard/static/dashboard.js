// LLM OS dashboard: live updates from the event bus (GET /v1/events, server-sent events) and charts (uPlot).
"use strict";

const page = document.body.dataset.page;
const liveBadge = document.getElementById("live");

function text(value) { return value === null || value === undefined ? "" : String(value); }
function usd(value) { return "$" + Number(value || 0).toFixed(6); }

function cell(row, cls, value) {
  const td = row.querySelector("td." + cls);
  if (td) td.textContent = value;
}

function runMatches(filters, ev) {
  if (filters.agent && ev.agent !== filters.agent) return false;
  if (filters.mode && ev.mode && ev.mode !== filters.mode) return false;
  if (filters.success && ev.type === "run_finished" && (ev.success ? "yes" : "no") !== filters.success) return false;
  return true;
}

function onRunEvent(ev) {
  const table = document.getElementById("runs");
  if (!table) return;
  const filters = JSON.parse(table.dataset.filters || "{}");
  const body = table.tBodies[0];
  let row = body.querySelector(`tr[data-run="${CSS.escape(ev.run_id)}"]`);
  if (!row && ev.type === "run_started" && !filters.mode && !filters.success && runMatches(filters, ev)) {
    const empty = body.querySelector("tr.empty");
    if (empty) empty.remove();
    row = document.createElement("tr");
    row.dataset.run = ev.run_id;
    const cols = [new Date(ev.ts * 1000).toLocaleString(), null, ev.goal, ev.agent, "", "running", "0", "0", usd(0)];
    const classes = ["", "", "", "", "mode", "status", "calls", "tokens", "cost"];
    cols.forEach((value, i) => {
      const td = document.createElement("td");
      if (classes[i]) td.className = classes[i];
      if (i === 1) {
        const a = document.createElement("a");
        a.href = "/runs/" + encodeURIComponent(ev.run_id);
        a.textContent = ev.run_id;
        td.appendChild(a);
      } else {
        td.textContent = text(value);
      }
      row.appendChild(td);
    });
    row.className = "running";
    body.insertBefore(row, body.firstChild);
  }
  if (!row) return;
  if (ev.type === "mode") cell(row, "mode", ev.mode);
  if (ev.type === "model_call") {
    const calls = row.querySelector("td.calls");
    if (calls) calls.textContent = String(Number(calls.textContent || 0) + 1);
  }
  if (ev.type === "run_finished") {
    cell(row, "mode", text(ev.mode));
    cell(row, "status", ev.status);
    cell(row, "tokens", String(ev.input_tokens + ev.output_tokens));
    cell(row, "cost", usd(ev.cost_usd));
    row.className = ev.success ? "ok" : "bad";
  }
}

function connect() {
  if (!window.EventSource) return;
  const source = new EventSource("/v1/events");
  source.onopen = () => { liveBadge.textContent = "live"; liveBadge.className = "live on"; };
  source.onerror = () => { liveBadge.textContent = "reconnecting"; liveBadge.className = "live off"; };
  const handle = (message) => {
    const ev = JSON.parse(message.data);
    if (page === "runs") onRunEvent(ev);
    const facts = document.querySelector("dl.facts");
    if (page === "run" && ev.type === "run_finished" && facts && facts.dataset.run === ev.run_id) location.reload();
    if ((page === "learning" && (ev.type === "plan_learned" || ev.type === "crystallized")) ||
        (page === "state" && ev.type === "state")) {
      location.reload();
    }
  };
  const kinds = ["run_started", "run_finished", "mode", "model_call", "plan_learned", "crystallized", "state"];
  for (const kind of kinds) {
    source.addEventListener(kind, handle);
  }
  window.addEventListener("beforeunload", () => source.close());
}

function demoteButtons() {
  for (const button of document.querySelectorAll("button.demote")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      const response = await fetch("/v1/plans/" + encodeURIComponent(button.dataset.plan) + "/demote", { method: "POST" });
      const body = await response.json();
      const status = button.closest("p").querySelector(".tool-status");
      if (response.ok) {
        status.textContent = "demoted";
        button.remove();
      } else {
        status.textContent = "demote failed: " + body.error;
        button.disabled = false;
      }
    });
  }
}

// pending approvals live in the server (llmos.server.approvals), not on the bus: the page polls them
function watchApprovals() {
  const table = document.getElementById("approvals");
  if (!table) return;
  setInterval(async () => {
    const response = await fetch("/v1/approvals");
    if (!response.ok) return;
    const shown = new Set((table.dataset.ids || "").split(",").filter(Boolean));
    const ids = (await response.json()).approvals.map((a) => a.id);
    if (ids.some((id) => !shown.has(id))) location.reload();  // a new question came
  }, 1000);
}

function answerButtons() {
  for (const button of document.querySelectorAll("button.answer")) {
    button.addEventListener("click", async () => {
      const row = button.closest("tr");
      row.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      const response = await fetch("/v1/approvals/" + encodeURIComponent(button.dataset.id), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ approve: button.dataset.approve === "true" }),
      });
      const body = await response.json();
      row.querySelector(".answered").textContent = response.ok ? (body.approved ? "approved" : "denied") : body.error;
    });
  }
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"];

function chartData() {
  const tag = document.getElementById("chart-data");
  return tag ? JSON.parse(tag.textContent) : null;
}

function drawSavings(el, data) {
  const modes = Object.keys(data.spent);
  const series = [{}];
  const columns = [data.t];
  modes.forEach((mode, i) => {
    series.push({ label: "spent · " + mode, stroke: PALETTE[i % PALETTE.length], width: 2 });
    columns.push(data.spent[mode]);
  });
  series.push({ label: "saved (all modes)", stroke: "#111", dash: [6, 4], width: 2 });
  columns.push(data.saved);
  new uPlot({ title: "Cumulative USD spent by mode, and saved", width: 900, height: 320, series,
    axes: [{}, { size: 80, values: (u, ticks) => ticks.map((v) => "$" + v.toFixed(4)) }] }, columns, el);
}

function drawState(el, data) {
  const dims = Object.keys(data.values);
  const series = [{}];
  const columns = [data.t];
  dims.forEach((dim, i) => {
    series.push({ label: dim, stroke: PALETTE[i % PALETTE.length], width: 2 });
    columns.push(data.values[dim]);
    const setpoint = (data.setpoints || {})[dim];
    if (setpoint !== undefined) {
      series.push({ label: dim + " set-point", stroke: PALETTE[i % PALETTE.length], dash: [4, 4], width: 1 });
      columns.push(data.t.map(() => setpoint));
    }
  });
  const MODE_COLOURS = { RECOVERY: "rgba(214,39,40,.12)", CAUTIOUS: "rgba(255,127,14,.12)",
    AUTO_CREATIVE: "rgba(31,119,180,.12)", AUTO_CONTAINED: "rgba(148,103,189,.12)", BALANCED: "rgba(44,160,44,.08)" };
  const bands = (u) => {  // the latent mode as background bands
    const ctx = u.ctx;
    for (let i = 0; i < data.t.length; i++) {
      const x0 = u.valToPos(data.t[i], "x", true);
      const x1 = i + 1 < data.t.length ? u.valToPos(data.t[i + 1], "x", true) : u.bbox.left + u.bbox.width;
      ctx.fillStyle = MODE_COLOURS[data.modes[i]] || "rgba(0,0,0,.04)";
      ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
    }
  };
  new uPlot({ title: "Valence trajectory (bands: latent mode)", width: 900, height: 320, series,
    hooks: { drawClear: [bands] } }, columns, el);
}

document.addEventListener("DOMContentLoaded", () => {
  connect();
  demoteButtons();
  answerButtons();
  watchApprovals();
  const data = chartData();
  const savings = document.getElementById("chart-savings");
  const state = document.getElementById("chart-state");
  if (data && savings && data.t.length) drawSavings(savings, data);
  if (data && state && data.t.length) drawState(state, data);
});
