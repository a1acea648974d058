/**
 * The View type as a zod schema, for outputs that carry a view (an approval's executed result)
 * and for adapters that validate or describe one. A compile-time check keeps it equal to
 * src/core/view.ts.
 */
import { z } from 'zod';
const ColumnTypeSchema = z.enum(['text', 'bytes', 'count', 'time', 'percent', 'duration']);
const CellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const ViewSchema = z.object({
    title: z.string(),
    summary: z.string(),
    fields: z.array(z.object({ label: z.string(), value: CellSchema, type: ColumnTypeSchema.optional(), perSecond: z.boolean().optional() })).optional(),
    tables: z
        .array(z.object({
        id: z.string(),
        title: z.string().optional(),
        columns: z.array(z.object({ key: z.string(), label: z.string(), type: ColumnTypeSchema, perSecond: z.boolean().optional() })),
        rows: z.array(z.record(z.string(), CellSchema)),
        empty: z.string().optional(),
    }))
        .optional(),
    findings: z.array(z.object({ severity: z.enum(['info', 'warning', 'critical']), message: z.string(), advice: z.string().optional() })).optional(),
    notes: z.array(z.string()).optional(),
    charts: z
        .array(z.object({
        id: z.string(),
        title: z.string(),
        kind: z.enum(['bar', 'stacked-bar', 'line', 'gauge']),
        unit: z.enum(['bytes', 'percent', 'count', 'seconds']),
        points: z.array(z.object({ x: z.string(), series: z.string().optional(), value: z.number() })),
        thresholds: z.array(z.object({ label: z.string(), value: z.number() })).optional(),
    }))
        .optional(),
    code: z.array(z.object({ label: z.string().optional(), language: z.string().optional(), text: z.string() })).optional(),
});
// Fails to compile when the schema and the View type drift apart.
const schemaMatchesType = true;
void schemaMatchesType;
//# sourceMappingURL=view-schema.js.map