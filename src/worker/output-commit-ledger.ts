/**
 * What each output name's job did with it, kept in Redis beside the name claims, so a job run
 * again can tell its own committed file from someone else's. A worker can die (SIGKILL, OOM,
 * power) after it renamed a job's file into place but before BullMQ recorded the job as
 * completed; BullMQ then gives the job to another worker, which finds the file there. Without
 * this record it could only refuse (OUTPUT_EXISTS, permanent): a good export reported failed.
 *
 * Before the final rename the worker writes `committing` with the file's size and SHA-256 (read
 * from the staged file, which verify already passed); after it `committed`; after the upload and
 * webhook `delivered`. Each write is one script that first checks the job's BullMQ lock is still
 * this run's, so a run that lost its job never writes over the record of the run that has it.
 * A run of the same job — the same id and the same creation time: a job queued again under the
 * same id after the first was removed is another job — accepts a file of exactly that size and
 * digest as its own; any other file under the name is still OUTPUT_EXISTS.
 */
import type { Redis } from 'ioredis';
import type { CommittedFile } from '../job/describe-committed-file.js';
import { matchesCommittedFile } from '../job/matches-committed-file.js';

/** One name's record (JSON in the ledger hash, field: the lower-cased name). */
export interface OutputCommit extends CommittedFile {
  jobId: string;
  /** The job's creation time (BullMQ `job.timestamp`): tells a job from one queued again under its id. */
  jobTimestamp: number;
  /** The lock token of the run that wrote it (for people reading Redis). */
  token: string;
  state: 'committing' | 'committed' | 'delivered';
  /** Seconds of recording in the file, reported again by a run that finds it. */
  durationS: number;
  at: string;
}

/** The job a run is for. */
export interface JobInstance {
  jobId: string;
  jobTimestamp: number;
}

/** What a run found under its output name. */
export type OwnCommit =
  /** Neither this job's file nor a record of delivering it: the usual checks apply. */
  | { kind: 'none' }
  /** The file under the name is exactly the one this job committed; not yet (known to be) delivered. */
  | { kind: 'committed'; commit: OutputCommit }
  /** This job committed and delivered it; only BullMQ's completion was lost. */
  | { kind: 'delivered'; commit: OutputCommit };

/** Writes the record only while `lockKey` holds `token` (an empty token: a run without a lock). */
const WRITE_IF_LOCKED = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
`;

/** The ledger of a queue, on an open connection: `key` is the Redis hash (outputCommitsKey). */
export function outputCommitLedger(redis: Redis, key: string) {
  return {
    /** Records `commit` for `name` if the job's lock is still `commit.token`; false when it is not (the run lost its job). */
    async write(name: string, commit: OutputCommit, lockKey: string): Promise<boolean> {
      return (await redis.eval(WRITE_IF_LOCKED, 2, lockKey, key, commit.token, name.toLowerCase(), JSON.stringify(commit))) === 1;
    },
    /** Whether `file` (the output `name`) is this job's own commit; reads the file only when the record is this job's. */
    async find(name: string, job: JobInstance, file: string, signal?: AbortSignal): Promise<OwnCommit> {
      const raw = await redis.hget(key, name.toLowerCase());
      const commit = raw ? (JSON.parse(raw) as OutputCommit) : null;
      if (!commit || commit.jobId !== job.jobId || commit.jobTimestamp !== job.jobTimestamp) return { kind: 'none' };
      // Delivered with --upload --remove-local: the file is gone on purpose.
      if (commit.state === 'delivered') return { kind: 'delivered', commit };
      return (await matchesCommittedFile(file, commit, signal)) ? { kind: 'committed', commit } : { kind: 'none' };
    },
  };
}

/** The ledger's two operations. */
export type OutputCommitLedger = ReturnType<typeof outputCommitLedger>;
