export const MAX_SAMPLES_PER_HOST = 2000;
function historyOf(data) {
    const h = data.usageHistory;
    if (h && typeof h === 'object' && !Array.isArray(h))
        return h;
    const fresh = {};
    data.usageHistory = fresh;
    return fresh;
}
export async function usageHistory(deps, host) {
    return [...(historyOf(await deps.state.read())[host] ?? [])];
}
export async function recordUsage(deps, host, sample) {
    await deps.state.update((data) => {
        const all = historyOf(data);
        const list = (all[host] ??= []);
        list.push(sample);
        list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
        if (list.length > MAX_SAMPLES_PER_HOST)
            list.splice(0, list.length - MAX_SAMPLES_PER_HOST);
    });
}
//# sourceMappingURL=usage-history.js.map