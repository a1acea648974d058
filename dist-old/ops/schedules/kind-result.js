export {};
//# sourceMappingURL=kind-result.js.map