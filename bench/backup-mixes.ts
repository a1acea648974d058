/**
 * The content mixes the backup benchmark fills its volumes with, as busybox shell scripts run in
 * a helper container with no network (so the same image serves everywhere, no registry needed).
 * Each script ends by printing the volume's `du -sk` so the benchmark can report its size.
 */

export interface Mix {
  /** Short name used in the printed table and the results file. */
  name: string;
  /** What it holds, in a few words. */
  what: string;
  script: string;
}

const DU = 'du -s -k /v | cut -f1';

export const MIXES: Mix[] = [
  {
    name: 'incompressible',
    what: 'a 400 MiB random file and 200 random files of 1 MiB',
    script: String.raw`
set -e
cd /v
head -c 419430400 /dev/urandom > big.bin
mkdir m
i=0; while [ $i -lt 200 ]; do head -c 1048576 /dev/urandom > m/f$i; i=$((i+1)); done
${DU}
`,
  },
  {
    name: 'compressible',
    what: 'a 300 MiB file of zeros and a 250 MB application log',
    script: String.raw`
set -e
cd /v
head -c 314572800 /dev/zero > zeros.img
awk 'BEGIN { srand(42); split("GET POST PUT DELETE PATCH", m, " "); split("200 200 200 201 204 304 400 404 500", s, " ");
  for (i = 0; i < 2500000; i++)
    printf "2026-11-%02d %02d:%02d:%02d.%03d INFO [worker-%d] %s /api/v1/items/%d status=%s bytes=%d duration_ms=%.2f\n",
      1 + i % 28, i % 24, i % 60, (i * 7) % 60, i % 1000, i % 16, m[1 + int(rand() * 5)], int(rand() * 100000), s[1 + int(rand() * 9)],
      int(rand() * 50000), rand() * 250 }' > app.log
${DU}
`,
  },
  {
    name: 'small-files',
    what: '40,000 small text files in 200 directories, 500 small random files, symlinks',
    script: String.raw`
set -e
cd /v
i=0; while [ $i -lt 200 ]; do mkdir -p d$i; i=$((i+1)); done
awk 'BEGIN { srand(7);
  for (f = 0; f < 40000; f++) { name = sprintf("d%d/file_%05d.txt", f % 200, f); n = 5 + int(rand() * 60);
    for (k = 0; k < n; k++) printf "line %d of file %d: value=%d %s\n", k, f, int(rand() * 1000000), (rand() < 0.5 ? "alpha" : "beta") > name;
    close(name) } }'
mkdir r
i=0; while [ $i -lt 500 ]; do head -c 4096 /dev/urandom > r/$i.bin; ln -s ../r/$i.bin d$((i % 200))/link_$i; i=$((i+1)); done
${DU}
`,
  },
];

/**
 * The large volume for the memory check: a sparse file of `sparseBytes` (streamed in full by the
 * engine, but taking no disk) and 512 MiB of random data that really lands on disk.
 */
export function bigVolumeScript(sparseBytes: number): string {
  return String.raw`
set -e
cd /v
truncate -s ${sparseBytes} sparse.img
head -c 536870912 /dev/urandom > random.bin
echo $(( ${sparseBytes} / 1024 + $(du -s -k random.bin | cut -f1) ))
`;
}
