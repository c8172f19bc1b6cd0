import { html, type SafeHtml } from "../shared/html.js";
import type { TimelineEvent, TimelineLane } from "./timeline.js";

const LANES: { lane: TimelineLane; label: string; colour: string }[] = [
  { lane: "signInOk", label: "Sign-ins", colour: "#2f7d32" },
  { lane: "signInFailed", label: "Failed sign-ins", colour: "#c77700" },
  { lane: "change", label: "Security info / devices", colour: "#1f5fa8" },
  { lane: "risk", label: "Risk", colour: "#b3261e" },
  { lane: "eviction", label: "Eviction", colour: "#5b3fa0" },
];

const WIDTH = 960;
const LEFT = 170;
const LANE_HEIGHT = 26;
const TOP = 8;
const AXIS = 22;

/** A swim-lane timeline as inline SVG: readable on screen and in print, no script needed. */
export function timelineChart(events: TimelineEvent[]): SafeHtml {
  if (events.length === 0) return html`<p class="muted">No events in the case for this user.</p>`;
  const times = events.map((e) => Date.parse(e.time));
  const start = Math.min(...times);
  const end = Math.max(...times);
  const span = Math.max(end - start, 60_000);
  const x = (t: number) => LEFT + ((t - start) / span) * (WIDTH - LEFT - 12);
  const height = TOP + LANES.length * LANE_HEIGHT + AXIS;
  const laneIndex = new Map(LANES.map((l, i) => [l.lane, i]));

  const lanes = LANES.map((l, i) => {
    const y = TOP + i * LANE_HEIGHT + LANE_HEIGHT / 2;
    return html`<text x="4" y="${y + 4}" class="lane">${l.label}</text><line x1="${LEFT}" x2="${WIDTH - 8}" y1="${y}" y2="${y}" class="grid"/>`;
  });
  const dots = events.map((e) => {
    const lane = LANES[laneIndex.get(e.lane)!]!;
    const cy = TOP + laneIndex.get(e.lane)! * LANE_HEIGHT + LANE_HEIGHT / 2;
    const cx = x(Date.parse(e.time)).toFixed(1);
    const tip = `${e.time} — ${e.label}${e.detail ? ` — ${e.detail}` : ""}`;
    return e.evidence
      ? html`<circle cx="${cx}" cy="${cy}" r="6" fill="${lane.colour}" stroke="#000" stroke-width="2"><title>${tip} (evidence)</title></circle>`
      : html`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${lane.colour}" fill-opacity="0.75"><title>${tip}</title></circle>`;
  });
  const axisY = TOP + LANES.length * LANE_HEIGHT + 14;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = start + f * span;
    const anchor = f === 0 ? "start" : f === 1 ? "end" : "middle";
    return html`<text x="${x(t).toFixed(1)}" y="${axisY}" class="tick" text-anchor="${anchor}">${new Date(t).toISOString().slice(0, 16).replace("T", " ")}</text>`;
  });
  return html`<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Timeline">${lanes}${dots}${ticks}</svg>`;
}

/** Horizontal bars, e.g. findings per technique or per severity. */
export function barChart(rows: { label: string; value: number; colour?: string }[]): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">Nothing to chart.</p>`;
  const max = Math.max(...rows.map((r) => r.value), 1);
  const rowHeight = 22;
  const height = rows.length * rowHeight + 4;
  const bars = rows.map((r, i) => {
    const w = (r.value / max) * 520;
    const y = i * rowHeight + 2;
    return html`<text x="0" y="${y + 15}" class="lane">${r.label}</text><rect x="200" y="${y + 3}" width="${w.toFixed(1)}" height="16" fill="${r.colour ?? "#1f5fa8"}"/><text x="${(206 + w).toFixed(1)}" y="${y + 15}" class="tick">${r.value}</text>`;
  });
  return html`<svg class="bars" viewBox="0 0 780 ${height}" role="img">${bars}</svg>`;
}
