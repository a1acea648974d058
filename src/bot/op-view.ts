/**
 * The view of an op's output and of a destructive op's preview, as the kernel defines them.
 * Slack never formats an op's output itself: it renders these views as Block Kit.
 */
import type { Op, Preview } from '../core/op.js';
import type { View } from '../core/view.js';

export function outputView(op: Op, output: unknown): View {
  return op.view(output);
}

export function previewView(title: string, p: Preview): View {
  return {
    title,
    summary: p.summary,
    fields: [{ label: 'In total', value: p.totalBytes, type: 'bytes' }],
    tables: [
      {
        id: 'preview',
        columns: [
          { key: 'action', label: 'ACTION', type: 'text' },
          { key: 'kind', label: 'KIND', type: 'text' },
          { key: 'name', label: 'NAME', type: 'text' },
          { key: 'size', label: 'SIZE', type: 'bytes' },
          { key: 'reason', label: 'WHY', type: 'text' },
        ],
        rows: p.items.map((i) => ({ action: i.action, kind: i.kind, name: i.name, size: i.sizeBytes, reason: i.reason ?? '' })),
        empty: 'Nothing would be touched.',
      },
    ],
    notes: p.notes,
  };
}
