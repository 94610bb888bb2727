/**
 * Options of `batch` and `enqueue` that take their recordings from a BBB server's API
 * (getRecordings) instead of a list: the API base, its secret (the option, or
 * BBB_CAPTURE_BBB_SECRET so it stays out of `ps`), the checksum hash and the filters.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../../bbb-api/api-checksum.js';
import { normaliseApiBase } from '../../bbb-api/build-api-url.js';
import type { BbbApiQuery } from '../../bbb-api/list-bbb-recordings.js';
import { CaptureError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

export interface BbbApiFlags {
  bbbUrl?: string;
  bbbSecret?: string;
  bbbChecksum: ChecksumAlgorithm;
  meetingId?: string;
  state: string;
  fromDate?: number;
  toDate?: number;
}

const STATES = ['published', 'unpublished', 'deleted', 'processing', 'processed', 'any'];

/** A date as ms since the epoch: `YYYY-MM-DD` (local time; `end` takes the day's last ms) or an ISO date-time. */
export function parseDate(value: string, end: boolean): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]) - 1, Number(day[3])];
    const start = new Date(y, m, d);
    if (start.getFullYear() === y && start.getMonth() === m && start.getDate() === d) return end ? new Date(y, m, d + 1).getTime() - 1 : start.getTime();
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value.trim())) {
    const ms = Date.parse(value.trim());
    if (Number.isFinite(ms)) return ms;
  }
  throw new InvalidArgumentError(`"${value}" is not a date (expected YYYY-MM-DD, or an ISO date-time such as 2024-05-01T14:00)`);
}

/** Adds --bbb-url, --bbb-secret, --bbb-checksum, --meeting-id, --state, --from-date and --to-date. */
export function addBbbApiOptions(command: Command): Command {
  return command
    .option(
      '--bbb-url <url>',
      "take the recordings from this BBB server's API (getRecordings): its API base as `bbb-conf --secret` prints it, e.g. https://bbb.example.org/bigbluebutton/",
    )
    .option('--bbb-secret <secret>', "the server's shared secret (`bbb-conf --secret`); better in env BBB_CAPTURE_BBB_SECRET, which `ps` does not show")
    .addOption(new Option('--bbb-checksum <hash>', 'checksum hash of the API calls (sha256 and up for servers that refuse sha1)').choices(CHECKSUM_ALGORITHMS).default('sha1'))
    .option('--meeting-id <ids>', 'with --bbb-url: only these meetings (comma-separated meeting IDs, as given at create)')
    .option('--state <states>', `with --bbb-url: recording states, comma-separated (${STATES.join(', ')})`, 'published')
    .addOption(
      new Option('--from-date <date>', 'with --bbb-url: only recordings that started on or after this day (YYYY-MM-DD, local time) or instant (ISO)').argParser((v) =>
        parseDate(v, false),
      ),
    )
    .addOption(new Option('--to-date <date>', 'with --bbb-url: only recordings that started on or before this day (inclusive) or instant').argParser((v) => parseDate(v, true)));
}

/** The API query, or undefined without --bbb-url; throws USAGE for filters without it or a missing secret. */
export function resolveBbbApiQuery(flags: BbbApiFlags, context: CliContext): BbbApiQuery | undefined {
  if (flags.bbbUrl === undefined) {
    const stray = [
      flags.meetingId !== undefined && '--meeting-id',
      flags.fromDate !== undefined && '--from-date',
      flags.toDate !== undefined && '--to-date',
      flags.bbbSecret !== undefined && '--bbb-secret',
    ].filter(Boolean);
    if (stray.length > 0) throw new CaptureError('USAGE', `${stray.join(', ')} select recordings of a BBB server: they need --bbb-url`);
    return undefined;
  }
  const secret = flags.bbbSecret ?? context.env.BBB_CAPTURE_BBB_SECRET;
  if (!secret)
    throw new CaptureError('USAGE', "--bbb-url needs the server's secret: set BBB_CAPTURE_BBB_SECRET (or pass --bbb-secret); `bbb-conf --secret` on the server prints it");
  const states = flags.state
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = states.filter((s) => !STATES.includes(s));
  if (unknown.length > 0 || states.length === 0) throw new CaptureError('USAGE', `--state ${flags.state}: expected one or more of ${STATES.join(', ')}`);
  if (flags.fromDate !== undefined && flags.toDate !== undefined && flags.fromDate > flags.toDate) throw new CaptureError('USAGE', '--from-date is after --to-date');
  return {
    url: normaliseApiBase(flags.bbbUrl),
    secret,
    checksum: flags.bbbChecksum,
    meetingIds: (flags.meetingId ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    states,
    fromMs: flags.fromDate,
    toMs: flags.toDate,
  };
}

/** The selection in words, for the message when nothing matched: `(state published, meeting m1)`. */
export function describeBbbSelection(query: BbbApiQuery): string {
  const parts = [`state ${query.states.join(',')}`];
  if (query.meetingIds.length > 0) parts.push(`meeting ${query.meetingIds.join(',')}`);
  const day = (ms: number) => new Date(ms).toISOString();
  if (query.fromMs !== undefined) parts.push(`from ${day(query.fromMs)}`);
  if (query.toMs !== undefined) parts.push(`to ${day(query.toMs)}`);
  return `(${parts.join(', ')})`;
}
