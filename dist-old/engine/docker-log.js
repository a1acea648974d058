/**
 * Splits the engine's multiplexed log format (8-byte frame headers: stream, 0, 0, 0, size) into
 * stdout and stderr. Used for helper containers, which run without a TTY.
 */
export function demuxDockerLog(buf) {
    const out = [];
    const err = [];
    let i = 0;
    while (i + 8 <= buf.length) {
        const stream = buf[i];
        const size = buf.readUInt32BE(i + 4);
        const chunk = buf.subarray(i + 8, i + 8 + size);
        (stream === 2 ? err : out).push(chunk);
        i += 8 + size;
    }
    return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
//# sourceMappingURL=docker-log.js.map