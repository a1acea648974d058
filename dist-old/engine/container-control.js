import { OpsError } from '../core/errors.js';
import { demuxDockerLog } from './docker-log.js';
import { engineError } from './engine-errors.js';
const statusOf = (err) => err.statusCode;
export async function stopContainer(docker, host, id, timeoutSeconds) {
    try {
        await docker.getContainer(id).stop(timeoutSeconds === undefined ? {} : { t: timeoutSeconds });
    }
    catch (err) {
        if (statusOf(err) === 304)
            return; // already stopped
        throw engineError(err, host, `stopping container ${id.slice(0, 12)}`);
    }
}
export async function startContainer(docker, host, id) {
    try {
        await docker.getContainer(id).start();
    }
    catch (err) {
        if (statusOf(err) === 304)
            return; // already running
        throw engineError(err, host, `starting container ${id.slice(0, 12)}`);
    }
}
const MAX_OUTPUT = 1 << 20;
export async function execInContainer(docker, host, id, cmd, signal) {
    const action = `running \`${cmd.join(' ')}\` in container ${id.slice(0, 12)}`;
    try {
        const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false });
        const stream = (await exec.start({ hijack: true, stdin: false }));
        const raw = await new Promise((resolve, reject) => {
            const chunks = [];
            let size = 0;
            const onAbort = () => {
                stream.destroy();
                reject(new OpsError('cancelled', `${action} on ${host.name}: cancelled`));
            };
            signal?.addEventListener('abort', onAbort, { once: true });
            stream.on('data', (c) => {
                // Keep the head of the output; a chatty command must not fill memory.
                if (size < MAX_OUTPUT)
                    chunks.push(c);
                size += c.length;
            });
            stream.on('error', reject);
            stream.on('close', () => {
                signal?.removeEventListener('abort', onAbort);
                resolve(Buffer.concat(chunks));
            });
        });
        // The exit code is set once the process is gone; the stream closes just before.
        for (let i = 0; i < 50; i++) {
            const info = (await exec.inspect());
            if (!info.Running && info.ExitCode !== null)
                return { exitCode: info.ExitCode, ...demuxDockerLog(raw) };
            await new Promise((r) => setTimeout(r, 20));
        }
        throw new OpsError('unavailable', `${action} on ${host.name}: the command's output ended but it did not report an exit status`);
    }
    catch (err) {
        if (err instanceof OpsError)
            throw err;
        throw engineError(err, host, action);
    }
}
//# sourceMappingURL=container-control.js.map