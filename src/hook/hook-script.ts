/**
 * The Ruby post-publish hook `hook install` writes into BBB's post_publish directory. BBB runs
 * every `*.rb` there as `ruby <script> -m <record id>` once a recording is published, and waits
 * for it: so the script only hands the recording over (an enqueue with a short deadline, or a
 * spool file `watch` picks up), logs what it did, and always exits 0. It never fails or holds up
 * BBB's own publishing, whatever bbb-capture or Redis do.
 */

/** The file the hook is written to; BBB runs every *.rb in the directory. */
export const HOOK_FILE = 'bbb-capture.rb';

/** A line only bbb-capture's hook holds: `hook uninstall` removes a file only when it has it. */
export const HOOK_MARKER = '# bbb-capture post-publish hook: written by `bbb-capture hook install`, removed by `bbb-capture hook uninstall`';

/** What the hook is configured with (resolved at `hook install`, baked into the script). */
export interface HookConfig {
  /** BBB's published presentation recordings: `<publishedDir>/<record id>/metadata.xml`. */
  publishedDir: string;
  /** Where spool files go (`<spool>/<record id>.json`) when no queue is configured, or the enqueue fails. */
  spoolDir: string;
  /** Redis URL of the capture queue; null: spool mode. */
  redis: string | null;
  queue: string;
  /** With a queue: the playback URL a recording has without its id, e.g. https://bbb.example.org/playback/presentation/2.3/ */
  playbackBase: string | null;
  /** The bbb-capture command line (executable and leading arguments). */
  command: readonly string[];
  /** The hook's log file; stderr (BBB's own log) when it cannot be written. */
  logFile: string;
  /** Longest an enqueue may take before it is killed, seconds. */
  timeoutS: number;
}

/** A Ruby single-quoted literal: only \\ and \' are special there, so nothing is interpolated. */
function rubyString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The hook's Ruby source for `config`. */
export function hookScript(config: HookConfig): string {
  const optional = (value: string | null) => (value === null ? 'nil' : rubyString(value));
  return `#!/usr/bin/env ruby
# frozen_string_literal: true
${HOOK_MARKER}
#
# BBB runs this after publishing a recording, as \`ruby bbb-capture.rb -m <record id>\`, and waits
# for it. It hands the recording to bbb-capture (a queued job, or a spool file for
# \`bbb-capture watch --spool\`), logs what it did and always exits 0: BBB's publishing never waits
# long on it or fails because of it.
require 'fileutils'
require 'json'
require 'time'
require 'timeout'

PUBLISHED_DIR = ${rubyString(config.publishedDir)}
SPOOL_DIR = ${rubyString(config.spoolDir)}
REDIS_URL = ${optional(config.redis)}
QUEUE = ${rubyString(config.queue)}
PLAYBACK_BASE = ${optional(config.playbackBase)}
COMMAND = [${config.command.map(rubyString).join(', ')}].freeze
LOG_FILE = ${rubyString(config.logFile)}
TIMEOUT_S = ${config.timeoutS}
RECORD_ID = /\\A[a-z0-9]{40}-[0-9]{13}\\z/.freeze

def log(message)
  line = "#{Time.now.utc.iso8601} bbb-capture hook [#{Process.pid}]: #{message}\\n"
  File.open(LOG_FILE, 'a') { |f| f.write(line) }
rescue StandardError
  # BBB's own log gets the hook's stderr.
  $stderr.write(line)
end

def log_target
  File.open(LOG_FILE, 'a') {}
  [LOG_FILE, 'a']
rescue StandardError
  :err
end

# Writes <spool>/<id>.json whole or not at all (temp file, fsync, rename), for \`watch --spool\`.
def spool(record_id, dir)
  FileUtils.mkdir_p(SPOOL_DIR)
  data = JSON.generate({ 'version' => 1, 'recordId' => record_id, 'dir' => dir, 'publishedAt' => Time.now.utc.iso8601(3) })
  temp = File.join(SPOOL_DIR, ".#{record_id}.json.#{Process.pid}.tmp")
  File.open(temp, 'w') do |f|
    f.write(data)
    f.flush
    f.fsync
  end
  File.rename(temp, File.join(SPOOL_DIR, "#{record_id}.json"))
  log("spooled #{record_id} (#{dir})")
end

# Queues the recording with \`bbb-capture enqueue\`, killed (its whole process group) after TIMEOUT_S.
def enqueue(record_id)
  url = PLAYBACK_BASE + record_id
  target = log_target
  pid = Process.spawn(*COMMAND, 'enqueue', '--redis', REDIS_URL, '--queue', QUEUE, url, in: :close, out: target, err: target, pgroup: true)
  begin
    Timeout.timeout(TIMEOUT_S) { Process.wait(pid) }
  rescue Timeout::Error
    begin
      Process.kill('KILL', -pid)
    rescue StandardError
      nil
    end
    Process.wait(pid)
    log("enqueue of #{record_id} took more than #{TIMEOUT_S} s: killed")
    return false
  end
  log($?.success? ? "queued #{record_id} (#{url})" : "enqueue of #{record_id} failed (#{$?})")
  $?.success?
end

begin
  index = ARGV.index('-m') || ARGV.index('--meeting-id')
  record_id = index && ARGV[index + 1]
  if record_id.nil? || !RECORD_ID.match?(record_id)
    log("skipped: #{record_id.inspect} is not a BBB record id (<sha1>-<13 digits>); arguments #{ARGV.inspect}")
    exit 0
  end
  dir = File.join(PUBLISHED_DIR, record_id)
  unless File.file?(File.join(dir, 'metadata.xml'))
    log("skipped #{record_id}: no #{dir}/metadata.xml (not a published presentation recording)")
    exit 0
  end
  # A queue that cannot take it now: the spool keeps it for \`watch --spool\`.
  spool(record_id, dir) unless REDIS_URL && enqueue(record_id)
rescue StandardError, ScriptError => e
  log("failed for #{record_id.inspect}: #{e.class}: #{e.message}")
end
exit 0
`;
}
