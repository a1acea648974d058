/**
 * Name rules shared by the configuration and the ops' inputs, declared once.
 */
/** Docker's own rule for volume names (daemon/names): at least two characters. */
export const VOLUME_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
//# sourceMappingURL=names.js.map