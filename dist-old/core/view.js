/**
 * Views: how an op presents its output, independent of the transport. The CLI renders a view
 * as text, Slack as Block Kit (plus a chart image), MCP as readable text beside
 * structuredContent. Adapters never format an op's output themselves; previews and approval
 * requests are views too.
 */
export {};
//# sourceMappingURL=view.js.map