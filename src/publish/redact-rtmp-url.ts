/** An RTMP URL without its stream key (the last path part), for messages and logs: the key is a secret. */
export function redactRtmpUrl(url: string): string {
  return url.replace(/\/[^/]*$/, '/…');
}
