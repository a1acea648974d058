export function summaryOf(op, output) {
    return op.view(output).summary.slice(0, 500);
}
//# sourceMappingURL=summary.js.map