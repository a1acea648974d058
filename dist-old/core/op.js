export function defineOp(op) {
    return op;
}
//# sourceMappingURL=op.js.map