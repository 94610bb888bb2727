/**
 * `--insecure` for Node's own requests (metadata.xml, the media probes, the render engine's
 * downloads): they all go through the global fetch, whose connections undici makes. Setting its
 * global dispatcher once at the CLI edge covers every one of them without passing a flag through
 * each stage; Chromium gets the same choice through its context's ignoreHTTPSErrors. Only fetch
 * is affected: Redis connections (ioredis) keep verifying.
 */
import { Agent, setGlobalDispatcher } from 'undici';

/** Makes every fetch() of this process accept any TLS certificate. Called once, for --insecure. */
export function acceptAnyCertificate(): void {
  setGlobalDispatcher(new Agent({ connect: { rejectUnauthorized: false } }));
}
