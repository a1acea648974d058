/**
 * Views: how an op presents its output, independent of the transport. The CLI renders a view
 * as text, Slack as Block Kit (plus a chart image), MCP as readable text beside
 * structuredContent. Adapters never format an op's output themselves; previews and approval
 * requests are views too.
 */

/** How a table column's values are shown (and compared, summed, charted). */
export type ColumnType = 'text' | 'bytes' | 'count' | 'time' | 'percent' | 'duration';

export interface ViewColumn {
  /** Key of the value in each row. */
  key: string;
  /** Header as shown to people, e.g. "SIZE". */
  label: string;
  type: ColumnType;
  /** The values are rates per second (e.g. bytes/s throughput); renderers append "/s". */
  perSecond?: boolean;
}

/**
 * A cell: bytes/count/percent/duration are numbers (percent 0-100, duration in milliseconds),
 * time is an ISO string; null shows as "n/a" or "-".
 */
export type Cell = string | number | boolean | null;

export interface ViewTable {
  /** Short id (e.g. "volumes"), stable across versions: the file name when the full table is uploaded. */
  id: string;
  title?: string;
  columns: ViewColumn[];
  rows: Array<Record<string, Cell>>;
  /** Shown instead of the table when it has no rows, e.g. "No volumes match on prod-1." */
  empty?: string;
}

export type Severity = 'info' | 'warning' | 'critical';

export interface ViewFinding {
  severity: Severity;
  /** What was found, one sentence. */
  message: string;
  /** What to do about it. */
  advice?: string;
}

export interface ViewField {
  label: string;
  value: Cell;
  type?: ColumnType;
  /** The value is a rate per second (e.g. bytes/s); renderers append "/s". */
  perSecond?: boolean;
}

/** Data a renderer may draw (Slack: a PNG); a renderer that can't draw ignores it, the tables carry the numbers. */
export interface ViewChart {
  id: string;
  title: string;
  kind: 'bar' | 'stacked-bar' | 'line' | 'gauge';
  /** Unit of the values. */
  unit: 'bytes' | 'percent' | 'count' | 'seconds';
  /** Points: category (or ISO time for line charts), series name and value. */
  points: Array<{ x: string; series?: string; value: number }>;
  /** Reference lines, e.g. the warn and critical thresholds. */
  thresholds?: Array<{ label: string; value: number }>;
}

export interface View {
  title: string;
  /** One line: the answer in short, e.g. "3 volumes, 1.2GB in total on prod-1". */
  summary: string;
  fields?: ViewField[];
  tables?: ViewTable[];
  findings?: ViewFinding[];
  notes?: string[];
  charts?: ViewChart[];
  /** Free preformatted text (e.g. a generated daemon.json or Prometheus rules), shown verbatim. */
  code?: Array<{ label?: string; language?: string; text: string }>;
}
