import cliProgress from "cli-progress";

/** How collectors report progress; the CLI picks bars on a terminal and plain lines otherwise. */
export interface ProgressReporter {
  begin(task: string, total?: number): void;
  advance(task: string, count: number): void;
  /** Updates the expected total once known (e.g. methods once users are counted). */
  setTotal(task: string, total: number): void;
  end(task: string, note: string): void;
  stop(): void;
}

export const silentProgress: ProgressReporter = {
  begin() {},
  advance() {},
  setTotal() {},
  end() {},
  stop() {},
};

/** Bars with count, rate and ETA (cli-progress), for a terminal. */
export function barProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      format: "{task} |{bar}| {value}/{total} {rate}/s ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; started: number; value: number }>();
  const rate = (entry: { started: number; value: number }) =>
    Math.round(entry.value / Math.max(0.001, (Date.now() - entry.started) / 1000));
  return {
    begin(task, total) {
      const entry = {
        bar: multibar.create(total ?? 0, 0, { task: task.padEnd(22), rate: 0 }),
        started: Date.now(),
        value: 0,
      };
      bars.set(task, entry);
    },
    advance(task, count) {
      const entry = bars.get(task);
      if (!entry) return;
      entry.value += count;
      if (entry.value > entry.bar.getTotal()) entry.bar.setTotal(entry.value);
      entry.bar.update(entry.value, { rate: rate(entry) });
    },
    setTotal(task, total) {
      bars.get(task)?.bar.setTotal(total);
    },
    end(task, note) {
      const entry = bars.get(task);
      if (!entry) return;
      entry.bar.setTotal(entry.value);
      entry.bar.update(entry.value, { task: `${task} ${note}`.padEnd(22), rate: rate(entry) });
    },
    stop() {
      multibar.stop();
    },
  };
}

/**
 * One line per task start and end, and at most one progress line per task every `everyMs`, each
 * starting with `label` (the command).
 */
export function lineProgress(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  everyMs = 5_000,
  label = "collect",
): ProgressReporter {
  const tasks = new Map<string, { started: number; value: number; total?: number; lastLine: number }>();
  const describe = (task: string, entry: { started: number; value: number; total?: number }) => {
    const seconds = Math.max(0.001, (Date.now() - entry.started) / 1000);
    const perSecond = entry.value / seconds;
    const eta =
      entry.total && perSecond > 0 && entry.total > entry.value
        ? `, ETA ${Math.ceil((entry.total - entry.value) / perSecond)}s`
        : "";
    return `${label}: ${task} ${entry.value}${entry.total ? `/${entry.total}` : ""} (${perSecond.toFixed(1)}/s${eta})`;
  };
  return {
    begin(task, total) {
      tasks.set(task, {
        started: Date.now(),
        value: 0,
        ...(total !== undefined ? { total } : {}),
        lastLine: Date.now(),
      });
      write(`${label}: ${task} started`);
    },
    advance(task, count) {
      const entry = tasks.get(task);
      if (!entry) return;
      entry.value += count;
      if (Date.now() - entry.lastLine >= everyMs) {
        entry.lastLine = Date.now();
        write(describe(task, entry));
      }
    },
    setTotal(task, total) {
      const entry = tasks.get(task);
      if (entry) entry.total = total;
    },
    end(task, note) {
      const entry = tasks.get(task);
      write(
        `${label}: ${task} ${note}${entry ? ` in ${((Date.now() - entry.started) / 1000).toFixed(1)}s` : ""}`,
      );
    },
    stop() {},
  };
}
