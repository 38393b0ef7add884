import { spawn } from 'node:child_process';
import { basename } from 'node:path';

/** Paths of the two ffmpeg programs processing runs (video frames, PCM decoding, stream probing). */
export interface Ffmpeg {
  ffmpeg: string;
  ffprobe: string;
}

/** How long `-version` may take before a binary counts as not working. */
const VERSION_TIMEOUT_MS = 10_000;
/** Bytes of stderr kept for an error message (ffmpeg repeats itself; the end says what failed). */
const STDERR_KEPT = 2000;

/**
 * Runs `bin` with an argument array (no shell, so file names are never interpreted), kills it
 * after `timeoutMs`, and resolves with its stdout, or hands stdout chunk by chunk to `onStdout`
 * (for output too large to hold, such as decoded PCM) and resolves with an empty buffer.
 * Rejects with the program's exit status and the end of its stderr.
 */
export function run(bin: string, args: readonly string[], opts: { timeoutMs: number; onStdout?: (chunk: Buffer) => void }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (opts.onStdout ? opts.onStdout(chunk) : out.push(chunk)));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${basename(bin)} could not be started: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(Buffer.concat(out));
      const how = timedOut ? `was killed after ${opts.timeoutMs} ms` : `exited with ${code ?? signal}`;
      reject(new Error(`${basename(bin)} ${how}: ${stderr.trim() || '(no output on stderr)'}`));
    });
  });
}

/**
 * Probes per set of requested paths, kept for the life of the process: the answer does not
 * change while it runs, and the server asks on every processing job.
 */
const probes = new Map<string, Promise<Ffmpeg | null>>();

/**
 * Finds ffmpeg and ffprobe. Without paths, both are looked up on PATH and a missing or broken one
 * means null (processing then does without: see processMedia). An explicit path (OTTR_FFMPEG,
 * OTTR_FFPROBE via the caller) overrides the lookup and must work: a configured binary that does
 * not run rejects, so the mistake shows at startup instead of as silently missing posters.
 */
export function findFfmpeg(paths: Partial<Ffmpeg> = {}): Promise<Ffmpeg | null> {
  const wanted: Ffmpeg = { ffmpeg: paths.ffmpeg ?? 'ffmpeg', ffprobe: paths.ffprobe ?? 'ffprobe' };
  const key = `${wanted.ffmpeg}\0${wanted.ffprobe}`;
  let probe = probes.get(key);
  if (probe === undefined) {
    probe = Promise.all([check(wanted.ffmpeg, paths.ffmpeg !== undefined), check(wanted.ffprobe, paths.ffprobe !== undefined)]).then(
      ([ffmpeg, ffprobe]) => (ffmpeg && ffprobe ? wanted : null),
    );
    probes.set(key, probe);
  }
  return probe;
}

/** True when `bin -version` runs; false when it does not and was only looked up; rejects when it was configured. */
async function check(bin: string, configured: boolean): Promise<boolean> {
  try {
    await run(bin, ['-version'], { timeoutMs: VERSION_TIMEOUT_MS });
    return true;
  } catch (error) {
    if (configured) throw new Error(`the configured ${bin} does not run`, { cause: error });
    return false;
  }
}
