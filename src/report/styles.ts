/** The report's only stylesheet: inline, so the file opens anywhere with no network, and prints cleanly. */
export const REPORT_CSS = `
:root { --fg:#1b1b1f; --muted:#5f6368; --line:#d9dce1; --crit:#7b1020; --high:#b3261e; --med:#c77700; --low:#1f5fa8; --ok:#2f7d32; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin-top: 32px; border-bottom: 2px solid var(--line); padding-bottom: 4px; } h3 { font-size: 15px; margin: 20px 0 6px; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { background: #f3f4f6; font-weight: 600; }
.sev { font-weight: 600; text-transform: uppercase; font-size: 11px; padding: 1px 6px; border-radius: 3px; color: #fff; white-space: nowrap; }
.sev-critical { background: var(--crit); } .sev-high { background: var(--high); } .sev-medium { background: var(--med); } .sev-low { background: var(--low); } .sev-informational { background: var(--muted); }
.pass { color: var(--ok); font-weight: 600; } .fail { color: var(--high); font-weight: 600; } .warning { color: var(--med); font-weight: 600; } .notApplicable { color: var(--muted); }
table.findings td:nth-child(2) { white-space: nowrap; } table.findings td:nth-child(3) { min-width: 150px; } table.findings td:nth-child(4), table.findings td:nth-child(5) { min-width: 130px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; } .card b { display: block; font-size: 22px; }
svg.timeline, svg.bars { width: 100%; height: auto; } svg .lane { font-size: 11px; fill: var(--muted); } svg .tick { font-size: 10px; fill: var(--muted); } svg .grid { stroke: var(--line); }
details { margin: 4px 0; } summary { cursor: pointer; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; } pre { white-space: pre-wrap; background: #f6f8fa; padding: 8px; border-radius: 4px; }
.tag { display: inline-block; border: 1px solid var(--line); border-radius: 10px; padding: 0 6px; font-size: 11px; margin-right: 4px; }
@media print { body { max-width: none; padding: 0; } h2 { break-before: auto; } section.user, table tr { break-inside: avoid; } details { display: block; } details > * { display: block; } }
`;
