/** The in-process bus. A failing subscriber is logged by the caller's handler, never breaks the emitter. */
export function createEventBus(onHandlerError = () => undefined) {
    const handlers = new Set();
    return {
        emit(event) {
            for (const h of [...handlers]) {
                try {
                    h(event);
                }
                catch (err) {
                    onHandlerError(err, event);
                }
            }
        },
        subscribe(handler) {
            handlers.add(handler);
            return () => handlers.delete(handler);
        },
    };
}
//# sourceMappingURL=events.js.map